export { callerFor, workspaceWithRoles } from "./callers";
export { startUpstashRestAdapter, type UpstashRestAdapter } from "./upstash-rest-adapter";
