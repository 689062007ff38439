import { afterAll, beforeAll, describe } from "vitest";
import type { Database, DatabaseHandle, DriverName } from "../client";
import { postgresAvailability, type PostgresAvailability } from "./postgres-server";
import { createTestDatabase, type TestDatabase } from "./test-database";

export const ALL_DRIVERS = ["pglite", "pg", "neon"] as const satisfies readonly DriverName[];

export interface DriverSuiteContext {
  readonly driver: DriverName;
  /** The suite's migrated database; available in hooks and tests, not while the suite is being defined. */
  db(): Database;
  handle(): DatabaseHandle;
  testDatabase(): TestDatabase;
}

export interface DescribeEachDriverOptions {
  /** The drivers to run on; all three by default. */
  drivers?: readonly DriverName[];
  /** Overrides the server probe (for testing the skip path itself). */
  postgres?: PostgresAvailability;
}

const warned = new Set<string>();

/**
 * Registers `describe("<title> [<driver>]")` once per driver, each with its
 * own fresh migrated database created in `beforeAll` and disposed in
 * `afterAll`. When the test server is unreachable the pg and neon suites are
 * registered as skipped with the reason in their name, so a run without
 * PostgreSQL shows what it did not test instead of passing.
 */
export function describeEachDriver(
  title: string,
  define: (ctx: DriverSuiteContext) => void,
  options: DescribeEachDriverOptions = {},
): void {
  for (const driver of options.drivers ?? ALL_DRIVERS) {
    let database: TestDatabase | undefined;
    const current = () => {
      if (!database) {
        throw new Error(
          `no ${driver} test database: use ctx.db() inside hooks and tests, not while defining "${title}"`,
        );
      }
      return database;
    };
    const ctx: DriverSuiteContext = {
      driver,
      db: () => current().handle.db,
      handle: () => current().handle,
      testDatabase: current,
    };

    const availability = driver === "pglite" ? { available: true as const } : (options.postgres ?? postgresAvailability());
    if (!availability.available) {
      if (!warned.has(availability.reason)) {
        warned.add(availability.reason);
        console.warn(`[@trellis/db/testing] pg and neon suites are skipped: ${availability.reason}`);
      }
      describe.skip(`${title} [${driver}] — skipped: ${availability.reason}`, () => define(ctx));
      continue;
    }

    describe(`${title} [${driver}]`, () => {
      beforeAll(async () => {
        database = await createTestDatabase(driver);
      });
      afterAll(async () => {
        const disposing = database?.dispose();
        database = undefined;
        await disposing;
      });
      define(ctx);
    });
  }
}
