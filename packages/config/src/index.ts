export { ConfigError, dataDir, env, envSchema, migrationsDir, parseEnv, type Env } from "./env";
export { persistedSecret } from "./persisted-secret";
export { findWorkspaceRoot } from "./workspace-root";
