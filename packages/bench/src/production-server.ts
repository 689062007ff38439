import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { findWorkspaceRoot, migrationsDir } from "@trellis/config";
import { migrate, openDatabase, type DatabaseHandle } from "@trellis/db";

// What the HTTP benchmarks share: a database of their own on the machine's
// PostgreSQL, the production build of apps/web started as `npm start` does
// (the self-hosted server, apps/web/server.ts),
// and autocannon.

export const root = findWorkspaceRoot(path.dirname(fileURLToPath(import.meta.url)));
const webDir = path.join(root, "apps/web");

export interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
}
export interface AutocannonResult {
  latency: Histogram;
  requests: Histogram & { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
/** A running autocannon: awaitable, and an emitter of per-response events. */
export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
}
// autocannon ships no type declarations; this is the slice used here.
export const autocannon = createRequire(import.meta.url)("autocannon") as (options: Record<string, unknown>) => AutocannonInstance;

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The PostgreSQL server benchmarks create their databases on (`DATABASE_URL`, read before env() is given the bench database). */
export function serverUrl(): string {
  return process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

export async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Builds apps/web unless it has a build (BENCH_REBUILD=1 forces one). Run benches under the build lock other builders use. */
export function ensureBuild(): void {
  if (existsSync(path.join(webDir, ".next", "BUILD_ID")) && !process.env.BENCH_REBUILD) return;
  console.log("building apps/web (next build)…");
  const build = spawnSync("npx", ["next", "build"], { cwd: webDir, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
}

/** The self-hosted server (`npm start`) on the production build, on a free port, once it answers /api/health. */
export async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server: Node refuses --cpu-prof in NODE_OPTIONS.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: webDir,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error("the server did not answer /api/health within 60 s");
    await sleep(200);
  }
}

/**
 * Next.js's own floor in this session: `GET /api/health` (no database, no
 * auth) per second at `connections`, to read the other phases against on a
 * machine whose speed varies with its load. Printed, not part of the JSON.
 */
export async function measureHealthFloor(base: string, connections: number, seconds = 5): Promise<number> {
  await autocannon({ url: `${base}/api/health`, connections, duration: 2 });
  const result = await autocannon({ url: `${base}/api/health`, connections, duration: seconds });
  const rps = round(Number(result.statusCodeStats["200"]?.count ?? 0) / result.duration);
  console.log(`health (Next.js floor) c${connections}: ${rps} 200/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  return rps;
}

/** SIGTERM (the server hands its runs back), SIGKILL after 15 s. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** What a bench's server and fixtures share: its database and the secrets the server decrypts with. */
export interface BenchDatabase {
  handle: DatabaseHandle;
  url: string;
  /** The environment the server (and workers) run with. */
  serverEnv: Record<string, string>;
}

/**
 * Creates a migrated database named `trellis_bench_<label>_<random>`, runs
 * `work` with it (this process's env() pointed at it, so fixtures encrypt
 * with the server's key) and drops it afterwards, whatever happened.
 */
export async function withBenchDatabase<T>(label: string, work: (database: BenchDatabase) => Promise<T>): Promise<T> {
  const name = `trellis_bench_${label}_${randomBytes(6).toString("hex")}`;
  const adminUrl = serverUrl();
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const serverEnv: Record<string, string> = {
    DATABASE_URL: url,
    DATABASE_DRIVER: "pg",
    DATABASE_POOL_MAX: "20",
    TRELLIS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    TRELLIS_WORKER_CONCURRENCY: "32",
    LOG_LEVEL: "warn",
  };
  Object.assign(process.env, { TRELLIS_ENCRYPTION_KEY: serverEnv.TRELLIS_ENCRYPTION_KEY, DATABASE_URL: url, LOG_LEVEL: "warn" });
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const handle = openDatabase({ url, driver: "pg", poolMax: 4 });
  try {
    await migrate(handle, migrationsDir());
    return await work({ handle, url, serverEnv });
  } finally {
    await handle.close();
    await admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/** The p-th percentile (0-100) of samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
