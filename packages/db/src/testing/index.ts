/**
 * Test helpers for code that talks to the database, run against all three
 * drivers:
 *
 * ```ts
 * import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
 *
 * describeEachDriver("workspace repository", (ctx) => {
 *   it("lists the workspaces a user belongs to", async () => {
 *     const user = await createUser(ctx.db());
 *     const workspace = await createWorkspace(ctx.db(), user.id);
 *     expect(await listWorkspaces(ctx.db(), user.id)).toEqual([expect.objectContaining({ id: workspace.id })]);
 *   });
 * });
 * ```
 *
 * Each driver's suite gets its own freshly migrated database; tests create the
 * rows they need with the factories rather than relying on shared seed data.
 */
export {
  ALL_DRIVERS,
  describeEachDriver,
  type DescribeEachDriverOptions,
  type DriverSuiteContext,
} from "./describe-each-driver";
export { addMember, createUser, createWorkspace } from "./factories";
export {
  acquireNeonProxy,
  neonProxyStatus,
  parseProxyTarget,
  startNeonProxy,
  type NeonProxy,
  type NeonProxyOptions,
} from "./neon-proxy";
export {
  databaseExists,
  postgresAvailability,
  probePostgres,
  testPostgresUrl,
  type PostgresAvailability,
} from "./postgres-server";

export { createTestDatabase, testMigrationsDir, type TestDatabase } from "./test-database";
