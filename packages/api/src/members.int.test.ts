import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor, workspaceWithRoles } from "./testing";

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describeEachDriver("members and invites", (ctx) => {
  it("keeps the owner role in owners' hands and never leaves a workspace ownerless", async () => {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const workspaceId = cast.workspace.id;
    const admin = callerFor(db, cast.admin);
    const owner = callerFor(db, cast.owner);

    expect((await rejection(admin.member.changeRole({ workspaceId, userId: cast.editor.id, role: "owner" }))).code).toBe("FORBIDDEN");
    expect((await rejection(admin.member.remove({ workspaceId, userId: cast.owner.id }))).message).toBe("Only an owner can remove an owner");
    const leaving = await rejection(owner.member.leave({ workspaceId }));
    expect(leaving.code).toBe("CONFLICT");
    expect(leaving.message).toMatch(/at least one owner/);

    await owner.member.changeRole({ workspaceId, userId: cast.admin.id, role: "owner" });
    await owner.member.leave({ workspaceId });
    const members = await admin.member.list({ workspaceId });
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual(
      [
        [cast.admin.email, "owner"],
        [cast.editor.email, "editor"],
        [cast.viewer.email, "viewer"],
      ].sort(),
    );
    expect((await rejection(owner.member.list({ workspaceId }))).code).toBe("NOT_FOUND");
  });

  it("lets the invited person join with the invite link, once", async () => {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const admin = callerFor(db, cast.admin);
    const invitee = callerFor(db, cast.outsider);
    const invite = await admin.invite.create({ workspaceId: cast.workspace.id, email: cast.outsider.email.toUpperCase(), role: "editor" });
    expect(invite.path).toMatch(/^\/invite\/[A-Za-z0-9_-]{30,}$/);
    const token = invite.path.split("/").pop()!;

    const wrongPerson = callerFor(db, cast.viewer);
    expect((await wrongPerson.invite.preview({ token })).emailMatches).toBe(false);
    expect((await rejection(wrongPerson.invite.accept({ token }))).code).toBe("FORBIDDEN");

    const preview = await invitee.invite.preview({ token });
    expect(preview).toMatchObject({ workspaceName: cast.workspace.name, role: "editor", emailMatches: true });
    const joined = await invitee.invite.accept({ token });
    expect(joined).toMatchObject({ workspaceId: cast.workspace.id, slug: cast.workspace.slug, role: "editor" });
    expect((await invitee.workspace.list()).map((w) => w.slug)).toContain(cast.workspace.slug);
    expect((await rejection(invitee.invite.accept({ token }))).message).toBe("This invite has already been used");
    expect(await admin.invite.listPending({ workspaceId: cast.workspace.id })).toEqual([]);
  });

  it("refuses revoked invites, unknown tokens and inviting an existing member", async () => {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const admin = callerFor(db, cast.admin);
    const invite = await admin.invite.create({ workspaceId: cast.workspace.id, email: cast.outsider.email, role: "viewer" });
    await admin.invite.revoke({ workspaceId: cast.workspace.id, inviteId: invite.id });
    const invitee = callerFor(db, cast.outsider);
    expect((await rejection(invitee.invite.accept({ token: invite.path.split("/").pop()! }))).code).toBe("NOT_FOUND");
    expect((await rejection(invitee.invite.preview({ token: "x".repeat(32) }))).code).toBe("NOT_FOUND");
    const duplicate = await rejection(admin.invite.create({ workspaceId: cast.workspace.id, email: cast.editor.email, role: "viewer" }));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.message).toBe(`${cast.editor.email} is already a member`);
    expect((await rejection(admin.invite.create({ workspaceId: cast.workspace.id, email: "boss@example.test", role: "owner" }))).code).toBe("FORBIDDEN");
  });
});
