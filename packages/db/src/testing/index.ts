export {
  ALL_DRIVERS,
  describeEachDriver,
  type DescribeEachDriverOptions,
  type DriverSuiteContext,
} from "./describe-each-driver";
export { addMember, createUser, createWorkspace } from "./factories";
export {
  acquireNeonProxy, neonProxyStatus,
  parseProxyTarget, startNeonProxy, type NeonProxy, type NeonProxyOptions } from "./neon-proxy";
export {
  databaseExists,
  postgresAvailability,
  probePostgres,
  testPostgresUrl,
  type PostgresAvailability,
} from "./postgres-server";
export { createTestDatabase, testMigrationsDir, type TestDatabase } from "./test-database";
