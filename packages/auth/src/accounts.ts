import { and, eq } from "drizzle-orm";
import { AppError, conflict } from "@trellis/config/errors";
import { postgresErrorCode, schema, UNIQUE_VIOLATION, type Database } from "@trellis/db";
import { normalizeEmail } from "./credentials";
import { hashPassword } from "./password";
import { workspaceSlug } from "./slug";

export interface RegisteredUser {
  id: string;
  email: string;
  name: string | null;
  personalWorkspace: { id: string; slug: string; name: string };
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

const isUniqueViolation = (error: unknown) => postgresErrorCode(error) === UNIQUE_VIOLATION;

async function insertUserWithWorkspace(
  tx: Tx,
  input: { email: string; name: string | null; passwordHash: string | null },
): Promise<RegisteredUser> {
  const [user] = await tx
    .insert(schema.users)
    .values({ email: input.email, name: input.name, passwordHash: input.passwordHash })
    .returning({ id: schema.users.id, email: schema.users.email, name: schema.users.name });
  if (!user) throw new AppError("INTERNAL_SERVER_ERROR", "User was not created");
  const display = input.name?.trim() || input.email.split("@")[0] || "My";
  const workspaceName = `${display}'s workspace`;
  const [workspace] = await tx
    .insert(schema.workspaces)
    .values({ name: workspaceName, slug: workspaceSlug(display), personal: true })
    .returning({ id: schema.workspaces.id, slug: schema.workspaces.slug, name: schema.workspaces.name });
  if (!workspace) throw new AppError("INTERNAL_SERVER_ERROR", "Workspace was not created");
  await tx.insert(schema.memberships).values({ workspaceId: workspace.id, userId: user.id, role: "owner" });
  return { ...user, personalWorkspace: workspace };
}

/**
 * Creates a password account and its personal workspace (owned by the new
 * user) in one transaction. The password must already satisfy the policy.
 */
export async function registerWithPassword(
  db: Database,
  input: { email: string; password: string; name?: string | null },
): Promise<RegisteredUser> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction((tx) =>
      insertUserWithWorkspace(tx, { email, name: input.name?.trim() || null, passwordHash }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict("An account with this email already exists", {
        email: ["An account with this email already exists. Sign in instead."],
      });
    }
    throw error;
  }
}

/**
 * The user behind an OAuth identity, creating the account (and its personal
 * workspace) on first sign-in. An email that already belongs to a password
 * account is not linked silently: that would let whoever controls the OAuth
 * account take over the existing one.
 */
export async function findOrCreateOAuthUser(
  db: Database,
  input: { provider: string; providerAccountId: string; email: string; name?: string | null; image?: string | null },
): Promise<{ id: string; email: string; name: string | null }> {
  const [linked] = await db
    .select({ id: schema.users.id, email: schema.users.email, name: schema.users.name })
    .from(schema.oauthAccounts)
    .innerJoin(schema.users, eq(schema.users.id, schema.oauthAccounts.userId))
    .where(
      and(
        eq(schema.oauthAccounts.provider, input.provider),
        eq(schema.oauthAccounts.providerAccountId, input.providerAccountId),
      ),
    )
    .limit(1);
  if (linked) return linked;
  const email = normalizeEmail(input.email);
  try {
    return await db.transaction(async (tx) => {
      const user = await insertUserWithWorkspace(tx, { email, name: input.name ?? null, passwordHash: null });
      await tx.insert(schema.oauthAccounts).values({
        provider: input.provider,
        providerAccountId: input.providerAccountId,
        userId: user.id,
      });
      return { id: user.id, email: user.email, name: user.name };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict("This email already has a Trellis account: sign in with your password");
    }
    throw error;
  }
}
