import type { RouterOutputs } from "@trellis/api";

/** A member's role in a workspace, as the API reports it. */
export type Role = RouterOutputs["workspace"]["bySlug"]["role"];

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Whether `role` grants at least what `minimum` does (viewer < editor < admin < owner). */
export function hasRole(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

/** Roles an actor may hand out: only owners grant the owner role. */
export function assignableRoles(actor: Role): Role[] {
  return actor === "owner" ? ["owner", "admin", "editor", "viewer"] : ["admin", "editor", "viewer"];
}

export const roleLabel: Record<Role, string> = { owner: "Owner", admin: "Admin", editor: "Editor", viewer: "Viewer" };

/** What a role may do, in a sentence that follows "You" or a person's name. */
export const roleAbilities: Record<Role, string> = {
  viewer: "can view workflows and runs",
  editor: "can change workflows and run them",
  admin: "can also manage members, API keys and secrets",
  owner: "can do everything, including deleting the workspace",
};

/** "an admin", "a viewer". */
export function withArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}
