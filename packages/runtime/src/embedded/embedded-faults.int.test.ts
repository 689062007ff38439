import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { findWorkspaceRoot } from "@trellis/config";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { startRun } from "../lifecycle/start-run";
import { readJournal } from "../records/journal";
import { readRunEvents } from "../records/run-events";
import type { RunRecord } from "../records/run-record";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow, eventually, waitForStatus } from "../testing/workflows";
import { startEmbeddedRuntime } from "./runtime";

// Faults against the machine's PostgreSQL: worker processes SIGKILLed at
// random moments, two workers racing for one queue, connections killed under
// a running worker. The workflows call a local HTTP server that records every
// request with its Idempotency-Key and arrival time.

const workerCli = path.join(findWorkspaceRoot(path.dirname(fileURLToPath(import.meta.url))), "packages/runtime/src/worker-cli.ts");

interface Hit {
  key: string;
  runId: string;
  at: number;
}

/** Adds 1 to the posted value after a random delay; records keys, arrival times and requests in flight per run. */
async function recordingServer(delayMs: [number, number]) {
  const hits: Hit[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlightPerRun = 0;
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const key = String(request.headers["idempotency-key"] ?? "");
      const runId = key.split(":")[0] ?? "";
      hits.push({ key, runId, at: Date.now() });
      inFlight.set(runId, (inFlight.get(runId) ?? 0) + 1);
      maxInFlightPerRun = Math.max(maxInFlightPerRun, inFlight.get(runId) ?? 0);
      const delay = delayMs[0] + Math.random() * (delayMs[1] - delayMs[0]);
      setTimeout(() => {
        inFlight.set(runId, (inFlight.get(runId) ?? 1) - 1);
        const value = Number((JSON.parse(body || "{}") as { value?: number }).value ?? 0);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ value: value + 1 }));
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/add`;
  return {
    hits,
    url,
    maxInFlightPerRun: () => maxInFlightPerRun,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** trigger → add1 → add2 → add3 (HTTP, each adding 1) → result. */
function httpChain(url: string) {
  const call = (id: string, from: string) => ({
    id,
    type: "http.request",
    config: { method: "POST", url, body: { type: "json", value: { value: `{{ ${from} }}` } }, timeoutMs: 10_000 },
    retry: { maxAttempts: 1 },
  });
  return chain(
    call("add1", "trigger.value"),
    call("add2", "nodes.add1.output.body.value"),
    call("add3", "nodes.add2.output.body.value"),
    { id: "result", type: "transform", config: { expression: "nodes.add3.output.body.value" } },
  );
}

interface Worker {
  child: ChildProcess;
  /** Resolves once the worker announced it started (it then listens and claims). */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

function spawnWorker(databaseUrl: string, env: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", workerCli], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TRELLIS_ALLOWED_HOSTS: "127.0.0.1",
      TRELLIS_LEASE_MS: "1000",
      TRELLIS_POLL_INTERVAL_MS: "200",
      TRELLIS_WORKER_CONCURRENCY: "4",
      DATABASE_POOL_MAX: "4",
      LOG_LEVEL: "silent",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("started")) resolve();
    });
    void exited.then((code) => reject(new Error(`the worker exited (${code}) before starting: ${output}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const workerCount = statement(
  "test_worker_leases",
  `SELECT count(DISTINCT lease_owner) AS owners FROM runs WHERE lease_owner IS NOT NULL`,
);

function suite(ctx: DriverSuiteContext) {
  let workspaceId: string;
  const workers: Worker[] = [];
  const servers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    const user = await createUser(ctx.db());
    workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
  });
  afterEach(async () => {
    for (const { child, exited } of workers.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    }
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    // Nothing may still be running against the database the harness drops next.
    await sleep(50);
  });

  const db = () => ctx.handle();
  const url = () => ctx.testDatabase().url as string;
  const ref = (runId: string) => ({ workspaceId, runId });
  const start = (worker: Worker) => {
    workers.push(worker);
    return worker;
  };
  const allFinished = async (runs: RunRecord[], timeoutMs: number) => {
    const finished: RunRecord[] = [];
    for (const run of runs) finished.push(await waitForStatus(db(), ref(run.id), ["succeeded", "failed", "cancelled"], timeoutMs));
    return finished;
  };

  it("completes every run correctly with workers SIGKILLed at random moments, never re-running a journaled step", async () => {
    const server = await recordingServer([150, 400]);
    servers.push(server);
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, httpChain(server.url));
    const concurrency = { TRELLIS_WORKER_CONCURRENCY: "3" };
    // Two workers get killed; a third is spared, so runs keep moving while replacements start up.
    const live = [start(spawnWorker(url(), concurrency)), start(spawnWorker(url(), concurrency))];
    const spared = start(spawnWorker(url(), concurrency));
    await Promise.all([...live, spared].map((worker) => worker.ready));
    const runs: RunRecord[] = [];
    for (let i = 0; i < 20; i++) runs.push((await startRun(db(), { workspaceId, workflowId, input: { value: i * 10 } })).run);

    // Every few hundred milliseconds, SIGKILL a live worker (or, when both killable ones are dead, start a replacement).
    let kills = 0;
    const sql = sqlForHandle(db());
    const deadline = Date.now() + 30_000;
    for (let round = 0; round < 7 && Date.now() < deadline; round++) {
      await sleep(150 + Math.random() * 300);
      const [pending] = await sql.query<{ n: string }>(
        statement("test_pending", `SELECT count(*) AS n FROM runs WHERE workflow_id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')`),
        [workflowId],
      );
      if (Number(pending?.n) === 0) break;
      const alive = live.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null);
      const victim = alive[Math.floor(Math.random() * alive.length)];
      if (!victim) {
        live.push(start(spawnWorker(url(), concurrency)));
        continue;
      }
      victim.child.kill("SIGKILL");
      await victim.exited;
      kills++;
    }
    const finished = await allFinished(runs, 45_000);

    expect(kills).toBeGreaterThanOrEqual(3);
    finished.forEach((run, i) => {
      expect(run.status).toBe("succeeded");
      expect(run.output).toEqual({ result: i * 10 + 3 });
    });
    // Some runs really were taken over from a killed worker.
    const takeovers = await Promise.all(runs.map(async (run) => (await readRunEvents(db(), ref(run.id))).some((e) => e.type === "run.lease_expired")));
    expect(takeovers.some(Boolean)).toBe(true);

    let duplicates = 0;
    for (const run of runs) {
      const journal = await readJournal(db(), run.id);
      for (const stepId of ["add1", "add2", "add3"]) {
        const entry = journal.get(stepId);
        expect(entry?.status).toBe("succeeded");
        const envelope = entry?.output as { startedAt: number; durationMs: number };
        const journaledAt = envelope.startedAt + envelope.durationMs;
        const hits = server.hits.filter((hit) => hit.key === `${run.id}:${stepId}`);
        // The downstream API saw the step under its idempotency key…
        expect(hits.length).toBeGreaterThanOrEqual(1);
        // …and never after the step was journaled: only a step in flight when its worker died ran twice.
        for (const hit of hits) expect(hit.at).toBeLessThanOrEqual(journaledAt);
        duplicates += hits.length - 1;
      }
    }
    // Each kill can repeat at most the steps its worker had in flight (3 runs at a time).
    expect(duplicates).toBeLessThanOrEqual(kills * 3);
    expect(server.hits.every((hit) => /^[0-9a-f-]{36}:add[123]$/.test(hit.key))).toBe(true);
  });

  it("never lets two workers racing for the same queue execute one run at once", async () => {
    const server = await recordingServer([20, 60]);
    servers.push(server);
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, httpChain(server.url));
    const racers = [0, 1].map(() => start(spawnWorker(url(), { TRELLIS_WORKER_CONCURRENCY: "8", TRELLIS_LEASE_MS: "10000" })));
    await Promise.all(racers.map((worker) => worker.ready));
    const runs: RunRecord[] = [];
    for (let i = 0; i < 20; i++) runs.push((await startRun(db(), { workspaceId, workflowId, input: { value: i } })).run);
    const finished = await allFinished(runs, 45_000);
    finished.forEach((run, i) => expect(run.output).toEqual({ result: i + 3 }));

    expect(server.maxInFlightPerRun()).toBe(1);
    const keys = server.hits.map((hit) => hit.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(60);
    const owners = new Set<string>();
    for (const run of runs) {
      const events = await readRunEvents(db(), ref(run.id));
      expect(events.filter((e) => e.type === "run.started")).toHaveLength(1);
      expect(events.some((e) => e.type === "run.lease_expired" || e.type === "run.resumed")).toBe(false);
      owners.add(String((events.find((e) => e.type === "run.started")?.data as { worker: string }).worker));
    }
    // Both workers took part.
    expect(owners.size).toBe(2);
  });

  it("survives its database connections being killed mid-run", async () => {
    const server = await recordingServer([150, 250]);
    servers.push(server);
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, httpChain(server.url));
    const runtime = await startEmbeddedRuntime({
      handle: db(),
      concurrency: 8,
      leaseMs: 5_000,
      pollIntervalMs: 200,
      scheduler: false,
      retention: false,
      resolveContext: () => ({ network: { allowedHosts: ["127.0.0.1"] } }),
    });
    try {
      const runs: RunRecord[] = [];
      for (let i = 0; i < 6; i++) runs.push((await startRun(db(), { workspaceId, workflowId, input: { value: i } })).run);
      const admin = sqlForHandle(db());
      let killed = 0;
      for (let round = 0; round < 3; round++) {
        await sleep(250);
        const [row] = await admin.query<{ killed: string }>(
          statement(
            "test_kill_backends",
            `SELECT count(pg_terminate_backend(pid)) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
          ),
        );
        killed += Number(row?.killed);
      }
      expect(killed).toBeGreaterThan(0);
      const finished = await allFinished(runs, 30_000);
      finished.forEach((run, i) => {
        expect(run.status).toBe("succeeded");
        expect(run.output).toEqual({ result: i + 3 });
      });
      // The lease outlived the outage: no step ran twice.
      const keys = server.hits.map((hit) => hit.key);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      await runtime.stop({ graceMs: 2_000 });
    }
  });

  it("finishes the step in flight on SIGTERM, hands the run back and exits", async () => {
    const server = await recordingServer([800, 800]);
    servers.push(server);
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, httpChain(server.url));
    const worker = start(spawnWorker(url(), { TRELLIS_LEASE_MS: "10000", TRELLIS_SHUTDOWN_GRACE_MS: "5000" }));
    await worker.ready;
    const { run } = await startRun(db(), { workspaceId, workflowId, input: { value: 1 } });
    await eventually(() => (server.hits.length > 0 ? true : undefined), 20_000, "the first request");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);

    const released = await waitForStatus(db(), ref(run.id), ["queued", "succeeded", "failed"], 5_000);
    expect(released.status).toBe("queued");
    expect((await readJournal(db(), run.id)).get("add1")?.status).toBe("succeeded");
    expect((await readRunEvents(db(), ref(run.id))).at(-1)).toMatchObject({ type: "run.released" });
    const [owners] = await sqlForHandle(db()).query<{ owners: string }>(workerCount);
    expect(Number(owners?.owners)).toBe(0);

    // Another worker (this process's) picks it up from the journal: add1 is not called again.
    const runtime = await startEmbeddedRuntime({
      handle: db(),
      pollIntervalMs: 200,
      scheduler: false,
      retention: false,
      resolveContext: () => ({ network: { allowedHosts: ["127.0.0.1"] } }),
    });
    try {
      const done = await waitForStatus(db(), ref(run.id), ["succeeded", "failed"], 20_000);
      expect(done.output).toEqual({ result: 4 });
      expect(server.hits.filter((hit) => hit.key === `${run.id}:add1`)).toHaveLength(1);
    } finally {
      await runtime.stop({ graceMs: 2_000 });
    }
  });
}

describeEachDriver("embedded driver under faults", suite, { drivers: ["pg"] });
