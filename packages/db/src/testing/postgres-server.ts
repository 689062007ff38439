import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import pg from "pg";

const DEFAULT_TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The server the pg and Neon test variants create their databases on: an
 * administrative URL for a role that may create databases. `TEST_POSTGRES_URL`
 * is a test-only setting, deliberately outside the app's validated env.
 */
export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL?.trim() || DEFAULT_TEST_POSTGRES_URL;
}

export type PostgresAvailability = { available: true } | { available: false; reason: string };

function serverLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return "an unparsable TEST_POSTGRES_URL";
  }
}

// Runs in a child process so the probe can answer synchronously: vitest
// registers suites synchronously, and whether a driver's suite is skipped
// (and why) has to be known at that moment.
const PROBE_SCRIPT = `
const pg = require(process.env.TRELLIS_PROBE_PG);
const client = new pg.Client({
  connectionString: process.env.TRELLIS_PROBE_URL,
  connectionTimeoutMillis: Number(process.env.TRELLIS_PROBE_TIMEOUT_MS),
});
client.on("error", () => {});
const report = (result) => process.stdout.write(JSON.stringify(result));
client
  .connect()
  .then(() => client.query("select current_user as role, (rolcreatedb or rolsuper) as createdb from pg_roles where rolname = current_user"))
  .then((res) => report({ ok: true, role: res.rows[0].role, createdb: res.rows[0].createdb }))
  .catch((e) => report({ ok: false, code: e && e.code ? String(e.code) : null, message: String((e && e.message) || e) }))
  .finally(() => client.end().catch(() => {}));
`;

type ProbeReport =
  | { ok: true; role: string; createdb: boolean }
  | { ok: false; code: string | null; message: string };

/** Checks, uncached, whether `url` accepts connections from a role that may create databases. */
export function probePostgres(url: string, timeoutMs = 2_000): PostgresAvailability {
  const where = serverLabel(url);
  const child = spawnSync(process.execPath, ["-e", PROBE_SCRIPT], {
    env: {
      ...process.env,
      TRELLIS_PROBE_PG: createRequire(import.meta.url).resolve("pg"),
      TRELLIS_PROBE_URL: url,
      TRELLIS_PROBE_TIMEOUT_MS: String(timeoutMs),
    },
    encoding: "utf8",
    timeout: timeoutMs + 3_000,
  });
  if (child.error) return { available: false, reason: `PostgreSQL probe of ${where} failed (${child.error.message})` };
  let report: ProbeReport;
  try {
    report = JSON.parse(child.stdout) as ProbeReport;
  } catch {
    const detail = child.stderr.trim().split("\n")[0] ?? `exit status ${String(child.status)}`;
    return { available: false, reason: `PostgreSQL probe of ${where} failed (${detail})` };
  }
  if (report.ok) {
    return report.createdb
      ? { available: true }
      : { available: false, reason: `PostgreSQL role "${report.role}" at ${where} may not create databases` };
  }
  // Five-character codes are SQLSTATEs from the server itself (bad role,
  // missing database…); anything else is a network-level failure.
  if (report.code && /^[0-9A-Z]{5}$/.test(report.code)) {
    return { available: false, reason: `PostgreSQL at ${where} refused the connection: ${report.message} (${report.code})` };
  }
  const cause = report.code ?? (/timeout/i.test(report.message) ? `no answer within ${timeoutMs} ms` : report.message);
  return { available: false, reason: `PostgreSQL not reachable at ${where} (${cause})` };
}

let cachedAvailability: { url: string; result: PostgresAvailability } | undefined;

/** Whether the test server (`testPostgresUrl()`) is usable, probed once per process and URL. */
export function postgresAvailability(): PostgresAvailability {
  const url = testPostgresUrl();
  if (cachedAvailability?.url !== url) cachedAvailability = { url, result: probePostgres(url) };
  return cachedAvailability.result;
}

/** `name` as a quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `work` on a short-lived administrative connection to the test server. */
export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl(), connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const TEST_DATABASE_PREFIX = "trellis_test_";

/** Creates an empty, uniquely named database on the test server and returns its name and URL. */
export async function createScratchDatabase(): Promise<{ name: string; url: string }> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(8).toString("hex")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/**
 * Drops a database this harness created. FORCE ends sessions a failed test
 * may have left behind; the prefix check keeps a bug here from ever dropping
 * someone else's database.
 */
export async function dropScratchDatabase(name: string): Promise<void> {
  if (!name.startsWith(TEST_DATABASE_PREFIX)) throw new Error(`refusing to drop ${name}: not a test database`);
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
}

/** Whether a database of that name exists on the test server. */
export async function databaseExists(name: string): Promise<boolean> {
  return withAdminClient(async (client) => {
    const result = await client.query("select 1 from pg_database where datname = $1", [name]);
    return result.rowCount === 1;
  });
}
