export { closeAppDatabase, getAppDatabase, provideAppDatabase } from "./app-database";
export { chooseDriver, openDatabase, type Database, type DatabaseConfig, type DatabaseHandle, type DriverName, type Schema } from "./client";
export { migrate } from "./migrate";
export * as schema from "./schema";
export { postgresErrorCode, UNIQUE_VIOLATION } from "./errors";
export { queryRows } from "./query-rows";
