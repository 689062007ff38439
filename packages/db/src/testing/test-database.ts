import path from "node:path";
import { fileURLToPath } from "node:url";
import { findWorkspaceRoot } from "@trellis/config";
import { openDatabase, type DatabaseHandle, type DriverName } from "../client";
import { migrate } from "../migrate";
import { acquireNeonProxy } from "./neon-proxy";
import { createScratchDatabase, dropScratchDatabase, postgresAvailability } from "./postgres-server";

/**
 * The committed migrations. Found from this file rather than through
 * `migrationsDir()`, which parses the whole app environment and so could fail
 * a test over an unrelated variable.
 */
export function testMigrationsDir(): string {
  return path.join(findWorkspaceRoot(path.dirname(fileURLToPath(import.meta.url))), "drizzle");
}

export interface TestDatabase {
  readonly driver: DriverName;
  /** The open, migrated database. */
  readonly handle: DatabaseHandle;
  /** The database's postgres:// URL (pg and neon only). */
  readonly url?: string;
  /** The database's name on the server (pg and neon only). */
  readonly databaseName?: string;
  /** Closes the connections, stops the Neon proxy when unused and drops the database. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database for one suite: in-memory PGlite, or a new
 * uniquely named database on the test server opened through node-postgres or
 * through the Neon serverless driver (via the local WebSocket proxy).
 */
export async function createTestDatabase(driver: DriverName): Promise<TestDatabase> {
  if (driver === "pglite") {
    const handle = openDatabase({ driver: "pglite" });
    return finishSetup({ driver, handle }, () => handle.close());
  }

  const availability = postgresAvailability();
  if (!availability.available) throw new Error(`cannot create a ${driver} test database: ${availability.reason}`);

  const { name, url } = await createScratchDatabase();
  const cleanups: (() => Promise<void>)[] = [() => dropScratchDatabase(name)];
  const runCleanups = async () => {
    const errors: unknown[] = [];
    // Reverse order: connections close before the proxy stops, and both before the drop.
    for (const cleanup of cleanups.toReversed()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `disposing test database ${name} failed`);
  };

  let handle: DatabaseHandle;
  try {
    if (driver === "neon") {
      const target = new URL(url);
      cleanups.push(await acquireNeonProxy(target.hostname, Number(target.port || 5432)));
    }
    // A small pool: each suite has its own database, and the server's
    // connection limit is shared with everything else on the machine.
    const opened = openDatabase({ url, driver, poolMax: 4 });
    cleanups.push(() => opened.close());
    handle = opened;
  } catch (error) {
    await runCleanups().catch(() => {});
    throw error;
  }
  return finishSetup({ driver, handle, url, databaseName: name }, runCleanups);
}

async function finishSetup(
  database: Omit<TestDatabase, "dispose">,
  cleanup: () => Promise<void>,
): Promise<TestDatabase> {
  let disposing: Promise<void> | undefined;
  const dispose = () => (disposing ??= cleanup());
  try {
    await migrate(database.handle, testMigrationsDir());
  } catch (error) {
    await dispose().catch(() => {});
    throw error;
  }
  return { ...database, dispose };
}
