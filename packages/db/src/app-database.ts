import path from "node:path";
import { dataDir, env, migrationsDir } from "@trellis/config";
import { logger } from "@trellis/config/logger";
import { openDatabase, type DatabaseHandle } from "./client";
import { migrate } from "./migrate";

declare global {
  // Next.js loads instrumentation and route handlers as separate bundles in
  // one process; keeping the handle on globalThis gives them one database
  // (two PGlite instances on one directory would corrupt it).
  var __trellisDatabase: Promise<DatabaseHandle> | undefined;
}

/**
 * The application's database as configuration describes it, opened once per
 * process and migrated on first use when it is the embedded PGlite.
 */
export function getAppDatabase(): Promise<DatabaseHandle> {
  globalThis.__trellisDatabase ??= (async () => {
    const config = env();
    const handle = openDatabase({
      url: config.DATABASE_URL,
      driver: config.DATABASE_DRIVER,
      dataDir: path.join(dataDir(config), "pglite"),
      poolMax: config.DATABASE_POOL_MAX,
    });
    if (handle.driver === "pglite") {
      await migrate(handle, migrationsDir(config));
      logger().info({ dataDir: dataDir(config) }, "embedded PGlite database ready");
    }
    return handle;
  })().catch((error: unknown) => {
    globalThis.__trellisDatabase = undefined;
    throw error;
  });
  return globalThis.__trellisDatabase;
}

export async function closeAppDatabase(): Promise<void> {
  const pending = globalThis.__trellisDatabase;
  globalThis.__trellisDatabase = undefined;
  if (pending) await (await pending).close();
}

/**
 * Makes `handle` the application's database, so route handlers under test
 * run against a test database instead of the configured one.
 */
export function provideAppDatabase(handle: DatabaseHandle): void {
  globalThis.__trellisDatabase = Promise.resolve(handle);
}
