import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { emailSchema } from "./email";
import { normalizeEmail } from "@trellis/auth";
import { AppError, conflict, forbidden, notFound } from "@trellis/config/errors";
import { schema, type Database } from "@trellis/db";
import type { SessionUser } from "../context";
import { roleSchema } from "./members";
import type { WorkspaceScope } from "./scope";
import { randomToken, sha256Hex } from "./tokens";

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const createInviteInput = z.object({
  email: emailSchema,
  role: roleSchema.default("editor"),
});
export const inviteIdInput = z.object({ inviteId: z.uuid() });
export const inviteTokenInput = z.object({ token: z.string().min(16).max(200) });

export function invitePath(token: string): string {
  return `/invite/${token}`;
}

/** Creates an invitation and returns its link; the token is shown only now. */
export async function createInvite(scope: WorkspaceScope, input: z.infer<typeof createInviteInput>) {
  if (input.role === "owner" && scope.role !== "owner") throw forbidden("Only an owner can invite an owner");
  const email = normalizeEmail(input.email);
  const [member] = await scope.db
    .select({ userId: schema.users.id })
    .from(schema.memberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
    .where(and(eq(schema.memberships.workspaceId, scope.workspaceId), eq(schema.users.email, email)))
    .limit(1);
  if (member) throw conflict(`${email} is already a member`, { email: ["Already a member of this workspace"] });
  const token = randomToken();
  const [invite] = await scope.db
    .insert(schema.invites)
    .values({
      workspaceId: scope.workspaceId,
      email,
      role: input.role,
      tokenHash: sha256Hex(token),
      invitedBy: scope.userId,
      expiresAt: new Date(Date.now() + INVITE_TTL_MS),
    })
    .returning({
      id: schema.invites.id,
      email: schema.invites.email,
      role: schema.invites.role,
      expiresAt: schema.invites.expiresAt,
    });
  if (!invite) throw new AppError("INTERNAL_SERVER_ERROR", "Invite was not created");
  return { ...invite, path: invitePath(token) };
}

export function listPendingInvites(scope: WorkspaceScope) {
  return scope.db
    .select({
      id: schema.invites.id,
      email: schema.invites.email,
      role: schema.invites.role,
      expiresAt: schema.invites.expiresAt,
      createdAt: schema.invites.createdAt,
    })
    .from(schema.invites)
    .where(
      and(
        eq(schema.invites.workspaceId, scope.workspaceId),
        isNull(schema.invites.acceptedAt),
        isNull(schema.invites.revokedAt),
        gt(schema.invites.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(schema.invites.createdAt));
}

export async function revokeInvite(scope: WorkspaceScope, input: z.infer<typeof inviteIdInput>) {
  const rows = await scope.db
    .update(schema.invites)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(schema.invites.id, input.inviteId),
        eq(schema.invites.workspaceId, scope.workspaceId),
        isNull(schema.invites.acceptedAt),
      ),
    )
    .returning({ id: schema.invites.id });
  if (rows.length === 0) throw notFound("Invite");
}

async function loadUsableInvite(db: Database, token: string) {
  const [invite] = await db
    .select({
      id: schema.invites.id,
      workspaceId: schema.invites.workspaceId,
      email: schema.invites.email,
      role: schema.invites.role,
      expiresAt: schema.invites.expiresAt,
      acceptedAt: schema.invites.acceptedAt,
      revokedAt: schema.invites.revokedAt,
      workspaceName: schema.workspaces.name,
      workspaceSlug: schema.workspaces.slug,
    })
    .from(schema.invites)
    .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.invites.workspaceId))
    .where(eq(schema.invites.tokenHash, sha256Hex(token)))
    .limit(1);
  if (!invite || invite.revokedAt) throw notFound("Invite");
  if (invite.acceptedAt) throw conflict("This invite has already been used");
  if (invite.expiresAt.getTime() < Date.now()) throw new AppError("CONFLICT", "This invite has expired: ask for a new one");
  return invite;
}

/** What the invite page shows before the invitee accepts. */
export async function previewInvite(db: Database, user: SessionUser, input: z.infer<typeof inviteTokenInput>) {
  const invite = await loadUsableInvite(db, input.token);
  return {
    workspaceName: invite.workspaceName,
    role: invite.role,
    email: invite.email,
    emailMatches: invite.email === normalizeEmail(user.email),
    expiresAt: invite.expiresAt,
  };
}

/** Joins the invitee (signed in with the invited email) to the workspace. */
export async function acceptInvite(db: Database, user: SessionUser, input: z.infer<typeof inviteTokenInput>) {
  const invite = await loadUsableInvite(db, input.token);
  if (invite.email !== normalizeEmail(user.email)) {
    throw forbidden(`This invite is for ${invite.email}; you are signed in as ${user.email}`);
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(schema.memberships)
      .values({ workspaceId: invite.workspaceId, userId: user.id, role: invite.role })
      .onConflictDoNothing();
    const used = await tx
      .update(schema.invites)
      .set({ acceptedAt: new Date() })
      .where(and(eq(schema.invites.id, invite.id), isNull(schema.invites.acceptedAt)))
      .returning({ id: schema.invites.id });
    if (used.length === 0) throw conflict("This invite has already been used");
  });
  return { workspaceId: invite.workspaceId, slug: invite.workspaceSlug, role: invite.role };
}
