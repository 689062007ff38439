import { randomUUID } from "node:crypto";
import type { Database } from "@trellis/db";
import { addMember, createUser, createWorkspace } from "@trellis/db/testing";
import type { User } from "@trellis/db/schema";
import { createContext } from "../context";
import { createCaller } from "../root";

/** A tRPC caller acting as `user` (or anonymously). */
export function callerFor(db: Database, user: Pick<User, "id" | "email"> | null) {
  return createCaller(createContext({ db, user: user ? { id: user.id, email: user.email } : null, requestId: randomUUID() }));
}

/**
 * A workspace with one member of each role, plus an outsider who owns a
 * workspace of their own: the cast of every role and isolation test.
 */
export async function workspaceWithRoles(db: Database) {
  const [owner, admin, editor, viewer, outsider] = await Promise.all([
    createUser(db),
    createUser(db),
    createUser(db),
    createUser(db),
    createUser(db),
  ]);
  const workspace = await createWorkspace(db, owner.id);
  const otherWorkspace = await createWorkspace(db, outsider.id);
  await addMember(db, workspace.id, admin.id, "admin");
  await addMember(db, workspace.id, editor.id, "editor");
  await addMember(db, workspace.id, viewer.id, "viewer");
  return { workspace, otherWorkspace, owner, admin, editor, viewer, outsider };
}
