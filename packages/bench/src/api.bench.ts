import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { createWorkflow, publishVersion } from "@trellis/api";
import { apiKeyWithScopes } from "@trellis/api/testing";
import { queryRows } from "@trellis/db";
import { WorkflowDefinitionSchema } from "@trellis/engine";
import { createUser, createWorkspace } from "@trellis/db/testing";
import { autocannon, ensureBuild, measureHealthFloor, percentile, round, startServer, stop, withBenchDatabase } from "./production-server";

// The REST API's run operations against the production build served as `npm start` serves it (apps/web/server.ts)
// on the machine's PostgreSQL with the embedded driver (the server executes
// the runs it starts), with 10,000 runs stored: the p95 of listing runs (first
// page of 20, newest first) and of getting one run with its steps (random
// ids), and run starts per second at concurrency 50. Closed-loop with
// keep-alive from 127.0.0.1. Creates its own database and drops it after.
// The last line printed is the JSON summary.
//
//   flock /tmp/trellis-next.lock npm run bench:api      (after `npm run build`; builds apps/web if it has no build)
//   BENCH_RUNS / BENCH_WARMUP_S / BENCH_DURATION_S / BENCH_READ_CONNECTIONS / BENCH_START_CONNECTIONS

const SEEDED_RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 10);
const START_CONNECTIONS = Number(process.env.BENCH_START_CONNECTIONS ?? 50);

const definition = WorkflowDefinitionSchema.parse({
  schemaVersion: 1,
  nodes: [
    { id: "trigger", type: "trigger.manual" },
    { id: "greet", type: "transform", config: { expression: "'hello ' & $string(trigger.n)" } },
  ],
  edges: [{ id: "e1", source: "trigger", target: "greet" }],
});

interface PhaseResult {
  ok: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  other: Record<string, number>;
}

/** Runs autocannon for `duration` seconds, timing every answer with the expected status. */
async function load(options: { url: string; connections: number; duration: number; expected: number; requests: Record<string, unknown>[]; headers: Record<string, string> }): Promise<PhaseResult> {
  const times: number[] = [];
  const instance = autocannon({ url: options.url, connections: options.connections, duration: options.duration, timeout: 30, headers: options.headers, requests: options.requests });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === options.expected) times.push(responseTime);
  });
  const result = await instance;
  const other = Object.fromEntries(
    Object.entries(result.statusCodeStats)
      .filter(([status]) => status !== String(options.expected))
      .map(([status, { count }]) => [status, Number(count)]),
  );
  if (result.errors > 0) other.errors = result.errors;
  return {
    ok: times.length,
    rps: round(times.length / result.duration),
    p50Ms: round(percentile(times, 50), 2),
    p95Ms: round(percentile(times, 95), 2),
    p99Ms: round(percentile(times, 99), 2),
    other,
  };
}

async function measure(label: string, options: Parameters<typeof load>[0]): Promise<PhaseResult> {
  await load({ ...options, duration: WARMUP_S });
  const result = await load(options);
  console.log(
    `${label} c${options.connections}: ${result.rps} ${options.expected}/s, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms` +
      (Object.keys(result.other).length ? ` (other answers: ${JSON.stringify(result.other)})` : ""),
  );
  if (result.ok === 0) throw new Error(`${label}: no request answered ${options.expected}`);
  return result;
}

async function main(): Promise<void> {
  ensureBuild();
  await withBenchDatabase("api", async ({ handle, serverEnv }) => {
    const children: ChildProcess[] = [];
    try {
      const user = await createUser(handle.db);
      const workspace = await createWorkspace(handle.db, user.id);
      const scope = { db: handle.db, workspaceId: workspace.id, userId: user.id };
      const key = await apiKeyWithScopes(handle.db, workspace.id, user.id, ["runs:read", "runs:write"]);
      const workflow = await createWorkflow(scope, { name: "Bench", description: "", definition });
      const version = await publishVersion(scope, { workflowId: workflow.id, message: "bench" });

      // Finished runs, one a second back in time, each with its two journaled steps.
      const started = Date.now();
      await handle.db.execute(sql`
        INSERT INTO runs (workspace_id, workflow_id, version_id, status, trigger_kind, input, output, created_at, started_at, finished_at, updated_at)
        SELECT ${workspace.id}, ${workflow.id}, ${version.id},
          (CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'succeeded' END)::run_status, 'api', jsonb_build_object('n', i),
          jsonb_build_object('greet', 'hello ' || i), t, t + interval '5 milliseconds', t + interval '40 milliseconds', t + interval '40 milliseconds'
        FROM generate_series(1, ${SEEDED_RUNS}) AS i, LATERAL (SELECT now() - i * interval '1 second' AS t) AS at`);
      await handle.db.execute(sql`
        INSERT INTO run_steps (run_id, workspace_id, step_id, node_id, status, output, started_at, finished_at, duration_ms)
        SELECT r.id, r.workspace_id, s.step, s.step, 'succeeded',
          jsonb_build_object('ok', true, 'output', CASE WHEN s.step = 'trigger' THEN r.input ELSE r.output->'greet' END),
          r.started_at, r.finished_at, 10
        FROM runs r CROSS JOIN (VALUES ('trigger'), ('greet')) AS s(step) WHERE r.workflow_id = ${workflow.id}`);
      await handle.db.execute(sql`ANALYZE`);
      const ids = (await queryRows<{ id: string }>(handle.db, sql`SELECT id FROM runs WHERE workflow_id = ${workflow.id}`)).map((r) => r.id);
      console.log(`seeded ${ids.length} runs with ${ids.length * 2} steps in ${Date.now() - started} ms`);

      // Limits far above the load: the bench measures the API, not the limiter refusing it.
      const unlimited = { limit: 1_000_000_000, windowSeconds: 1 };
      const { child, base } = await startServer({ ...serverEnv, TRELLIS_RATE_LIMITS: JSON.stringify({ restApiKey: unlimited, restIp: unlimited }) });
      children.push(child);
      console.log(`npm start server (production build) on ${base}; ${WARMUP_S} s warm-up + ${DURATION_S} s measured per phase`);
      const headers = { authorization: `Bearer ${key}` };
      await measureHealthFloor(base, START_CONNECTIONS);

      const list = await measure("list runs", {
        url: `${base}/api/v1/runs?limit=20`,
        connections: READ_CONNECTIONS,
        duration: DURATION_S,
        expected: 200,
        headers,
        requests: [{ method: "GET" }],
      });
      const get = await measure("get run", {
        url: base,
        connections: READ_CONNECTIONS,
        duration: DURATION_S,
        expected: 200,
        headers,
        requests: [
          {
            method: "GET",
            setupRequest: (request: Record<string, unknown>) => ({ ...request, path: `/api/v1/runs/${ids[Math.floor(Math.random() * ids.length)]}` }),
          },
        ],
      });
      const before = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM runs WHERE trigger_kind = 'api' AND input ? 'bench'`);
      const starts = await measure("start run", {
        url: `${base}/api/v1/workflows/${workflow.id}/runs`,
        connections: START_CONNECTIONS,
        duration: DURATION_S,
        expected: 202,
        headers: { ...headers, "content-type": "application/json" },
        requests: [{ method: "POST", setupRequest: (request: Record<string, unknown>) => ({ ...request, body: JSON.stringify({ input: { n: 1, bench: randomUUID() } }) }) }],
      });
      const [after] = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM runs WHERE trigger_kind = 'api' AND input ? 'bench'`);
      console.log(`  stored ${(after?.n ?? 0) - (before[0]?.n ?? 0)} started runs (${starts.ok} answered 202 in the measured phase, after the warm-up's)`);

      console.log(JSON.stringify({ runListP95Ms: list.p95Ms, runGetP95Ms: get.p95Ms, runStartRps: starts.rps }));
    } finally {
      for (const child of children.reverse()) await stop(child);
    }
  });
}

await main();
