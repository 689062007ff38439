import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { env, findWorkspaceRoot, migrationsDir } from "@trellis/config";
import { migrate, openDatabase, type DatabaseHandle } from "@trellis/db";
import { createUser, createWorkspace } from "@trellis/db/testing";
import { closeRunEventBus, sqlForHandle, startConfigCaches, startEmbeddedRuntime, startRun, startRuns, type Sql } from "@trellis/runtime";
import { chain, createWorkflow } from "@trellis/runtime/testing";

// The embedded driver against the machine's PostgreSQL, with durable commits
// (synchronous_commit=on, fsync=on): throughput of 1,000 ten-node runs with one
// and two worker processes, start-to-first-step and three-node run latency,
// and the time to resume a run whose worker was SIGKILLed. Creates and drops
// its own database on the server of DATABASE_URL (the local server by default).

const RUNS = 1_000;
const LATENCY_RUNS = 300;
const WARMUP_RUNS = 30;
const WORKER_CONCURRENCY = 64;
const RECOVERY_LEASE_MS = 1_000;

const root = findWorkspaceRoot(path.dirname(fileURLToPath(import.meta.url)));
const workerCli = path.join(root, "packages/runtime/src/worker-cli.ts");

function serverUrl(): string {
  return env().DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowEpochMs = () => performance.timeOrigin + performance.now();

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
}

function spawnWorker(databaseUrl: string, extraEnv: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", workerCli], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: "16",
      TRELLIS_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      TRELLIS_POLL_INTERVAL_MS: "1000",
      TRELLIS_ALLOWED_HOSTS: "127.0.0.1",
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "inherit", "pipe"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      output += chunk.toString();
      if (output.includes("started")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before starting: ${output}`)));
  });
  return { child, ready };
}

async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
}

async function waitFinished(sql: Sql, runIds: string[], timeoutMs: number): Promise<{ lastFinishedEpochMs: number; failed: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql.query<{ done: string; failed: string; last: number | null }>(
      { name: "bench_finished", text: `SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed', 'cancelled')) AS done,
          count(*) FILTER (WHERE status = 'failed') AS failed, extract(epoch FROM max(finished_at)) * 1000 AS last
        FROM runs WHERE id = ANY($1::uuid[])` },
      [runIds],
    );
    if (Number(row?.done) === runIds.length) return { lastFinishedEpochMs: Number(row?.last), failed: Number(row?.failed) };
    if (Date.now() > deadline) throw new Error(`only ${row?.done}/${runIds.length} runs finished within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function throughput(handle: DatabaseHandle, databaseUrl: string, workspaceId: string, workflowId: string, workers: number) {
  const sql = sqlForHandle(handle);
  const spawned = Array.from({ length: workers }, () => spawnWorker(databaseUrl));
  try {
    await Promise.all(spawned.map((w) => w.ready));
    const warm = await startRuns(handle, { workspaceId, workflowId, items: Array.from({ length: WARMUP_RUNS }, (_, i) => ({ input: { i } })) });
    await waitFinished(sql, warm.map((c) => c.run.id), 60_000);
    // Runs arrive in chunks, as they would from callers: workers start on the first while later ones are written.
    const t0 = nowEpochMs();
    const created = [];
    for (let chunk = 0; chunk < RUNS / 100; chunk++) {
      created.push(...(await startRuns(handle, { workspaceId, workflowId, items: Array.from({ length: 100 }, (_, i) => ({ input: { i: chunk * 100 + i } })) })));
    }
    const enqueuedMs = nowEpochMs() - t0;
    const { lastFinishedEpochMs, failed } = await waitFinished(sql, created.map((c) => c.run.id), 300_000);
    if (failed > 0) throw new Error(`${failed} benchmark runs failed`);
    const seconds = (lastFinishedEpochMs - t0) / 1000;
    const [steps] = await sql.query<{ n: string }>(
      { name: "bench_steps", text: "SELECT count(*) AS n FROM run_steps WHERE run_id = ANY($1::uuid[])" },
      [created.map((c) => c.run.id)],
    );
    const journaled = Number(steps?.n);
    const result = {
      workers,
      runs: RUNS,
      steps: journaled,
      seconds: round(seconds, 3),
      enqueueMs: round(enqueuedMs, 0),
      stepsPerSecond: round(journaled / seconds, 0),
      runsPerSecond: round(RUNS / seconds, 1),
    };
    console.log(
      `throughput, ${workers} worker process(es) x ${WORKER_CONCURRENCY}: ${RUNS} runs (enqueued in ${result.enqueueMs} ms), ${journaled} journaled steps in ${result.seconds} s -> ${result.stepsPerSecond} steps/s, ${result.runsPerSecond} runs/s`,
    );
    return result;
  } finally {
    await stopWorkers(spawned);
  }
}

/** Resolves when the run finishes, as the caller learns it: the bus notice of its last event, then one read. */
function finishWatcher(handle: DatabaseHandle, sql: Sql, bus: Awaited<ReturnType<typeof startEmbeddedRuntime>>["bus"], workspaceId: string) {
  const waiting = new Map<string, () => void>();
  const check = async (runId: string) => {
    const [row] = await sql.query<{ status: string }>({ name: "bench_status", text: "SELECT status FROM runs WHERE id = $1" }, [runId]);
    if (row && ["succeeded", "failed", "cancelled"].includes(row.status)) {
      waiting.get(runId)?.();
      waiting.delete(runId);
    }
  };
  const unsubscribe = bus.subscribe({ workspaceId }, (notice) => {
    if (notice.finished && waiting.has(notice.runId)) void check(notice.runId);
  });
  return {
    wait(runId: string): Promise<void> {
      return new Promise<void>((resolve) => {
        waiting.set(runId, resolve);
        void check(runId);
      });
    },
    close: unsubscribe,
  };
}

/**
 * How many write transactions left rows of each run (its record, journal and
 * timeline), on average: distinct `xmin`s. Unlike timings, this does not
 * depend on how loaded the shared disk is; each is one durable commit on the
 * run's path.
 */
async function writeTransactionsPerRun(sql: Sql, runIds: string[]): Promise<number> {
  const [row] = await sql.query<{ n: string }>(
    {
      name: "bench_write_transactions",
      text: `SELECT avg(n) AS n FROM (
        SELECT count(DISTINCT x) AS n FROM runs r, LATERAL (
          SELECT r.xmin::text AS x
          UNION SELECT s.xmin::text FROM run_steps s WHERE s.run_id = r.id
          UNION SELECT e.xmin::text FROM run_events e WHERE e.run_id = r.id) t
        WHERE r.id = ANY($1::uuid[]) GROUP BY r.id) per_run`,
    },
    [runIds],
  );
  return Number(row?.n);
}

async function firstStepDelays(sql: Sql, starts: Map<string, number>): Promise<number[]> {
  const rows = await sql.query<{ run_id: string; first: number }>(
    {
      name: "bench_first_steps",
      text: `SELECT run_id, extract(epoch FROM min(started_at)) * 1000 AS first FROM run_steps WHERE run_id = ANY($1::uuid[]) GROUP BY run_id`,
    },
    [[...starts.keys()]],
  );
  return rows.map((row) => Number(row.first) - (starts.get(row.run_id) as number));
}

/**
 * Lets the database finish the throughput phases' aftermath before latency is
 * measured: 20,000 fresh rows would otherwise have autovacuum and a
 * checkpoint run during the latency phase, on the same two cores. Latency
 * targets are for a run on a settled system; throughput already includes
 * that work.
 */
async function settle(handle: DatabaseHandle): Promise<void> {
  const sql = sqlForHandle(handle);
  for (const table of ["runs", "run_steps", "run_events"]) await sql.query({ name: `bench_vacuum_${table}`, text: `VACUUM (ANALYZE) ${table}` }, []);
  await sql.query({ name: "bench_checkpoint", text: "CHECKPOINT" }, []);
  console.log("settled: VACUUM (ANALYZE) of runs, run_steps, run_events and a CHECKPOINT before the latency phases");
}

async function latency(handle: DatabaseHandle, workspaceId: string, workflowId: string) {
  const sql = sqlForHandle(handle);
  const runtime = await startEmbeddedRuntime({ handle, concurrency: 8, scheduler: false, retention: false, leaseMs: 30_000 });
  // As in the server: a workflow's latest version is looked up from memory.
  const caches = await startConfigCaches(handle);
  const watcher = finishWatcher(handle, sql, runtime.bus, workspaceId);
  try {
    await runtime.bus.ready();
    const durations: number[] = [];
    const starts = new Map<string, number>();
    for (let i = 0; i < WARMUP_RUNS + LATENCY_RUNS; i++) {
      const t0 = nowEpochMs();
      const { run } = await startRun(handle, { workspaceId, workflowId, input: { i } });
      await watcher.wait(run.id);
      if (i < WARMUP_RUNS) continue;
      durations.push(nowEpochMs() - t0);
      starts.set(run.id, t0);
    }
    const firstSteps = await firstStepDelays(sql, starts);
    const result = {
      run3NodeP50Ms: round(percentile(durations, 50), 3),
      run3NodeP99Ms: round(percentile(durations, 99), 3),
      startToFirstStepP50Ms: round(percentile(firstSteps, 50), 3),
      startToFirstStepP99Ms: round(percentile(firstSteps, 99), 3),
      run3NodeWriteTransactionsPerRun: round(await writeTransactionsPerRun(sql, [...starts.keys()]), 2),
    };
    console.log(
      `latency, in-process worker, ${LATENCY_RUNS} sequential 3-node runs: start->finish p50 ${result.run3NodeP50Ms} ms, p99 ${result.run3NodeP99Ms} ms; start->first step p50 ${result.startToFirstStepP50Ms} ms, p99 ${result.startToFirstStepP99Ms} ms; ${result.run3NodeWriteTransactionsPerRun} write transactions per run`,
    );
    return result;
  } finally {
    watcher.close();
    await caches.stop();
    await runtime.stop({ graceMs: 1_000 });
  }
}

async function crossProcessLatency(handle: DatabaseHandle, databaseUrl: string, workspaceId: string, workflowId: string) {
  const sql = sqlForHandle(handle);
  const worker = spawnWorker(databaseUrl);
  // The bench process only listens (no worker of its own): every run crosses processes through NOTIFY.
  const runtime = await startEmbeddedRuntime({ handle, worker: false, scheduler: false, retention: false });
  const watcher = finishWatcher(handle, sql, runtime.bus, workspaceId);
  try {
    await worker.ready;
    await runtime.bus.ready();
    const starts = new Map<string, number>();
    const durations: number[] = [];
    for (let i = 0; i < WARMUP_RUNS + LATENCY_RUNS; i++) {
      const t0 = nowEpochMs();
      const { run } = await startRun(handle, { workspaceId, workflowId, input: { i } });
      await watcher.wait(run.id);
      if (i < WARMUP_RUNS) continue;
      durations.push(nowEpochMs() - t0);
      starts.set(run.id, t0);
    }
    const firstSteps = await firstStepDelays(sql, starts);
    const result = {
      crossProcessRun3NodeP50Ms: round(percentile(durations, 50), 3),
      crossProcessStartToFirstStepP50Ms: round(percentile(firstSteps, 50), 3),
      crossProcessStartToFirstStepP99Ms: round(percentile(firstSteps, 99), 3),
    };
    console.log(
      `latency, worker in another process (LISTEN/NOTIFY): start->finish p50 ${result.crossProcessRun3NodeP50Ms} ms; start->first step p50 ${result.crossProcessStartToFirstStepP50Ms} ms, p99 ${result.crossProcessStartToFirstStepP99Ms} ms`,
    );
    return result;
  } finally {
    watcher.close();
    await runtime.stop({ graceMs: 1_000 });
    await stopWorkers([worker]);
  }
}

/** An HTTP endpoint whose first request hangs (the worker serving it gets killed) and later ones answer at once. */
async function hangingServer(): Promise<{ server: Server; url: string; firstRequest: Promise<void> }> {
  let seen = 0;
  let signalFirst!: () => void;
  const firstRequest = new Promise<void>((resolve) => (signalFirst = resolve));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen++;
    if (seen === 1) {
      signalFirst();
      request.socket.on("close", () => response.destroy());
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/work`, firstRequest };
}

async function recovery(handle: DatabaseHandle, databaseUrl: string, workspaceId: string) {
  const sql = sqlForHandle(handle);
  const { server, url, firstRequest } = await hangingServer();
  const { workflowId } = await createWorkflow(handle.db, workspaceId, chain({ id: "call", type: "http.request", config: { url, method: "POST" } }));
  const leaseEnv = { TRELLIS_LEASE_MS: String(RECOVERY_LEASE_MS), TRELLIS_POLL_INTERVAL_MS: "200" };
  const workers = [spawnWorker(databaseUrl, leaseEnv), spawnWorker(databaseUrl, leaseEnv)];
  try {
    await Promise.all(workers.map((w) => w.ready));
    const { run } = await startRun(handle, { workspaceId, workflowId, input: {} });
    await firstRequest;
    const [holder] = await sql.query<{ lease_owner: string }>({ name: "bench_holder", text: "SELECT lease_owner FROM runs WHERE id = $1" }, [run.id]);
    const pid = Number(holder?.lease_owner.split(":")[1]);
    const victim = workers.find((w) => w.child.pid === pid);
    if (!victim) throw new Error(`no worker with pid ${pid} holds the run`);
    const killedAt = nowEpochMs();
    victim.child.kill("SIGKILL");
    const { lastFinishedEpochMs, failed } = await waitFinished(sql, [run.id], 30_000);
    if (failed > 0) throw new Error("the recovered run failed");
    const recoveryMs = round(lastFinishedEpochMs - killedAt, 1);
    console.log(`recovery: a SIGKILLed worker's run finished on the other worker ${recoveryMs} ms after the kill (lease ${RECOVERY_LEASE_MS} ms)`);
    return { recoveryMs, recoveryLeaseMs: RECOVERY_LEASE_MS };
  } finally {
    await stopWorkers(workers);
    server.closeAllConnections();
    server.close();
  }
}

/**
 * The machine's durable-commit rate right now (one-row INSERTs, 1 and 8
 * clients): this host is shared, so runtime figures are best read against it.
 */
async function commitBaseline(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  try {
    await pool.query("CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, v text)");
    const rate = async (clients: number) => {
      let commits = 0;
      const end = Date.now() + 2_000;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (Date.now() < end) {
            await pool.query({ name: "bench_baseline_insert", text: "INSERT INTO bench_baseline (v) VALUES ('x')" });
            commits++;
          }
        }),
      );
      return round(commits / 2, 0);
    };
    const result = { baselineCommitsPerSecond1Client: await rate(1), baselineCommitsPerSecond8Clients: await rate(8) };
    console.log(
      `baseline: one-row durable INSERTs, ${result.baselineCommitsPerSecond1Client}/s from 1 client, ${result.baselineCommitsPerSecond8Clients}/s from 8 (PEERS.md measured 5.2k-6.5k and 17.8k-18.4k on an idle machine)`,
    );
    return result;
  } finally {
    await pool.query("DROP TABLE IF EXISTS bench_baseline").catch(() => undefined);
    await pool.end();
  }
}

async function main(): Promise<void> {
  const name = `trellis_bench_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const handle = openDatabase({ url: databaseUrl, driver: "pg", poolMax: 12 });
  try {
    await migrate(handle, migrationsDir());
    const settings = await sqlForHandle(handle).query<{ name: string; setting: string }>(
      { name: "bench_settings", text: "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'server_version')" },
      [],
    );
    const durable = settings.every((s) => s.name === "server_version" || s.setting === "on");
    console.log(`PostgreSQL ${settings.find((s) => s.name === "server_version")?.setting}: ${settings.map((s) => `${s.name}=${s.setting}`).join(", ")}${durable ? "" : " (NOT durable!)"}`);

    const baseline = await commitBaseline(databaseUrl);
    const user = await createUser(handle.db);
    const workspace = await createWorkspace(handle.db, user.id);
    const noop = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `n${i + 1}`, type: "noop" }));
    const ten = await createWorkflow(handle.db, workspace.id, chain(...noop(9)));
    const three = await createWorkflow(handle.db, workspace.id, chain(...noop(2)));

    // `-- --only=latency` measures the in-process latency alone (repeatable A/B comparisons on a shared machine).
    if (process.argv.includes("--only=latency")) {
      const inProcess = await latency(handle, workspace.id, three.workflowId);
      console.log(JSON.stringify({ ...inProcess, ...baseline }));
      return;
    }
    const one = await throughput(handle, databaseUrl, workspace.id, ten.workflowId, 1);
    const two = await throughput(handle, databaseUrl, workspace.id, ten.workflowId, 2);
    await settle(handle);
    const inProcess = await latency(handle, workspace.id, three.workflowId);
    const crossProcess = await crossProcessLatency(handle, databaseUrl, workspace.id, three.workflowId);
    const recovered = await recovery(handle, databaseUrl, workspace.id);

    const best = one.stepsPerSecond >= two.stepsPerSecond ? one : two;
    console.log(
      JSON.stringify({
        stepsPerSecond: best.stepsPerSecond,
        runsPerSecond: best.runsPerSecond,
        run3NodeP50Ms: inProcess.run3NodeP50Ms,
        startToFirstStepP99Ms: inProcess.startToFirstStepP99Ms,
        recoveryMs: recovered.recoveryMs,
        oneWorker: { stepsPerSecond: one.stepsPerSecond, runsPerSecond: one.runsPerSecond, seconds: one.seconds },
        twoWorkers: { stepsPerSecond: two.stepsPerSecond, runsPerSecond: two.runsPerSecond, seconds: two.seconds },
        workerConcurrency: WORKER_CONCURRENCY,
        run3NodeP99Ms: inProcess.run3NodeP99Ms,
        run3NodeWriteTransactionsPerRun: inProcess.run3NodeWriteTransactionsPerRun,
        startToFirstStepP50Ms: inProcess.startToFirstStepP50Ms,
        ...crossProcess,
        recoveryLeaseMs: recovered.recoveryLeaseMs,
        ...baseline,
        durableCommits: durable,
      }),
    );
  } finally {
    await closeRunEventBus(handle);
    await handle.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

await main();
