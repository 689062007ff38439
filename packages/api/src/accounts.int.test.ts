import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { verifyCredentials } from "@trellis/auth";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor } from "./testing";

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describeEachDriver("sign-up and credentials", (ctx) => {
  it("creates the account with a personal workspace the new user owns", async () => {
    const db = ctx.db();
    const email = `ada-${Date.now()}@example.test`;
    const result = await callerFor(db, null).account.signUp({ email: `  ${email.toUpperCase()} `, password: "correct horse 42", name: "Ada" });
    expect(result.workspace.name).toBe("Ada's workspace");
    const user = await verifyCredentials(db, email, "correct horse 42");
    expect(user?.email).toBe(email);
    const workspaces = await callerFor(db, { id: user!.id, email }).workspace.list();
    expect(workspaces).toEqual([expect.objectContaining({ slug: result.workspace.slug, personal: true, role: "owner" })]);
    expect(await verifyCredentials(db, email, "wrong password 42")).toBeNull();
    expect(await verifyCredentials(db, "nobody@example.test", "correct horse 42")).toBeNull();
  });

  it("answers a duplicate email and a weak password with field errors", async () => {
    const db = ctx.db();
    const anonymous = callerFor(db, null);
    const email = `dup-${Date.now()}@example.test`;
    await anonymous.account.signUp({ email, password: "first password 1" });
    const duplicate = await rejection(anonymous.account.signUp({ email: email.toUpperCase(), password: "second password 2" }));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.message).toBe("An account with this email already exists");

    const weak = await rejection(anonymous.account.signUp({ email: `weak-${Date.now()}@example.test`, password: "short" }));
    expect(weak.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(weak.cause)).toContain("Use at least 10 characters");
    const common = await rejection(anonymous.account.signUp({ email: `c-${Date.now()}@example.test`, password: "password123" }));
    expect(JSON.stringify(common.cause)).toContain("This password is too common");
  });
});
