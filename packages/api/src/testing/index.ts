export { callerFor, workspaceWithRoles } from "./callers";
export { rejection } from "./errors";
export { apiKeyWithScopes, restCaller, type RestCallOptions } from "./rest";
