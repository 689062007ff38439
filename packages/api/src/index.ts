export { createContext, type Context, type SessionUser } from "./context";
export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from "./root";
export { apiScopes, type ApiScope } from "./scopes";
export { authenticateApiKey, type ApiKeyPrincipal } from "./services/api-keys";
export { getWorkspaceOrThrow } from "./services/workspace-info";
