export { callerFor, workspaceWithRoles } from "./callers";
