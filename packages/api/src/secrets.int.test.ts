import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { schema } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { resolveWorkspaceSecrets } from "./services/secrets";
import { SecretDecryptionError } from "./services/secret-crypto";
import { callerFor, rejection, workspaceWithRoles } from "./testing";

describeEachDriver("secrets", (ctx) => {
  async function setup() {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    return { db, cast, workspaceId: cast.workspace.id, admin: callerFor(db, cast.admin), editor: callerFor(db, cast.editor) };
  }

  it("stores values encrypted, lists names and dates only, and resolves values for the runtime", async () => {
    const { db, cast, workspaceId, admin, editor } = await setup();
    const created = await admin.secret.create({ workspaceId, name: "STRIPE_KEY", value: "sk_live_abc123" });
    await admin.secret.create({ workspaceId, name: "A_TOKEN", value: "tok-xyz" });
    expect(created).toEqual({ id: expect.any(String), name: "STRIPE_KEY", createdBy: cast.admin.id, createdAt: expect.any(Date), rotatedAt: null });

    const listed = await editor.secret.list({ workspaceId });
    expect(listed.map((s) => s.name)).toEqual(["A_TOKEN", "STRIPE_KEY"]);
    expect(JSON.stringify(listed)).not.toMatch(/sk_live|tok-xyz|ciphertext/);

    const [row] = await db.select().from(schema.secrets).where(eq(schema.secrets.id, created.id));
    expect(row?.ciphertext).not.toContain("sk_live_abc123");
    expect(Buffer.from(row?.ciphertext ?? "", "base64").toString("latin1")).not.toContain("sk_live_abc123");

    expect(await resolveWorkspaceSecrets(db, workspaceId)).toEqual({ STRIPE_KEY: "sk_live_abc123", A_TOKEN: "tok-xyz" });
    expect(await resolveWorkspaceSecrets(db, cast.otherWorkspace.id)).toEqual({});
  });

  it("rotates a value in place and deletes a secret", async () => {
    const { db, workspaceId, admin } = await setup();
    const secret = await admin.secret.create({ workspaceId, name: "ROTATING", value: "old-value" });
    const rotated = await admin.secret.rotate({ workspaceId, secretId: secret.id, value: "new-value" });
    expect(rotated).toMatchObject({ id: secret.id, name: "ROTATING", rotatedAt: expect.any(Date) });
    expect(await resolveWorkspaceSecrets(db, workspaceId)).toEqual({ ROTATING: "new-value" });

    await admin.secret.delete({ workspaceId, secretId: secret.id });
    expect(await admin.secret.list({ workspaceId })).toEqual([]);
    expect(await resolveWorkspaceSecrets(db, workspaceId)).toEqual({});
    expect((await rejection(admin.secret.delete({ workspaceId, secretId: secret.id }))).code).toBe("NOT_FOUND");
    expect((await rejection(admin.secret.rotate({ workspaceId, secretId: secret.id, value: "x" }))).code).toBe("NOT_FOUND");
  });

  it("refuses a taken name with a field error, and names that are not identifiers", async () => {
    const { workspaceId, admin } = await setup();
    await admin.secret.create({ workspaceId, name: "TAKEN", value: "one" });
    const duplicate = await rejection(admin.secret.create({ workspaceId, name: "TAKEN", value: "two" }));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.fieldErrors).toEqual({ name: ["This name is taken"] });
    expect(duplicate.message).not.toContain("two");
    for (const name of ["1ST", "has-dash", "with space", "__proto__", ""]) {
      expect((await rejection(admin.secret.create({ workspaceId, name, value: "v" }))).code, name).toBe("BAD_REQUEST");
    }
    expect((await rejection(admin.secret.create({ workspaceId, name: "EMPTY", value: "" }))).fieldErrors).toHaveProperty("value");
  });

  it("keeps workspaces apart: another workspace's secret cannot be rotated, deleted, or decrypted if copied", async () => {
    const { db, cast, workspaceId, admin } = await setup();
    const outsider = callerFor(db, cast.outsider);
    const theirs = await outsider.secret.create({ workspaceId: cast.otherWorkspace.id, name: "SHARED_NAME", value: "their-value" });
    expect((await rejection(admin.secret.rotate({ workspaceId, secretId: theirs.id, value: "mine" }))).code).toBe("NOT_FOUND");
    expect((await rejection(admin.secret.delete({ workspaceId, secretId: theirs.id }))).code).toBe("NOT_FOUND");
    expect(await resolveWorkspaceSecrets(db, cast.otherWorkspace.id)).toEqual({ SHARED_NAME: "their-value" });

    // A ciphertext copied into another workspace's row does not decrypt: it is bound to its workspace.
    const [stolen] = await db.select({ ciphertext: schema.secrets.ciphertext }).from(schema.secrets).where(eq(schema.secrets.id, theirs.id));
    await db.insert(schema.secrets).values({ workspaceId, name: "SHARED_NAME", ciphertext: stolen?.ciphertext ?? "" });
    await expect(resolveWorkspaceSecrets(db, workspaceId)).rejects.toBeInstanceOf(SecretDecryptionError);
  });
});
