export { findOrCreateOAuthUser, registerWithPassword, type RegisteredUser } from "./accounts";
export { normalizeEmail, verifyCredentials } from "./credentials";
export { findMembership, hasRole, listUserWorkspaces, roleRank } from "./membership";
export { buildAuthOptions, githubEnabled, WRONG_CREDENTIALS } from "./next-auth-options";
export { hashPassword, passwordSchema, verifyPassword } from "./password";
export { authSecret } from "./secret";
export { workspaceSlug } from "./slug";
