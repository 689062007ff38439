import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type DatabaseHandle } from "@trellis/db";
import { peersWorkload, webhookFixture } from "@trellis/api/testing";
import { autocannon, ensureBuild, measureHealthFloor, root, round, startServer, stop, withBenchDatabase } from "./production-server";

// Webhook ingress against the production build served as `npm start` serves it (apps/web/server.ts) on the
// machine's PostgreSQL with the embedded driver: HMAC-signed deliveries of the
// PEERS.md workload (webhook → transform → condition → respond), closed-loop
// with keep-alive from 127.0.0.1, at concurrency 1/10/50 in `accepted` mode
// and 1/10 in `result` mode. Creates its own database and drops it after.
// The last line printed is the JSON summary.
//
//   npm run bench:webhooks -w @trellis/bench            (builds apps/web once if it has no build)
//   BENCH_REBUILD=1 / BENCH_WARMUP_S / BENCH_DURATION_S  to rebuild or change the phases

const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const RESULT_TIMEOUT_MS = 10_000;

/** The PEERS body (about 184 bytes: ten numbers and a little metadata), unique per request so deduplication keeps out of the way. */
function signedDelivery(secret: string, sequence: number) {
  const values = Array.from({ length: 10 }, (_, i) => ((sequence + i * 7) % 40) + 1);
  const body = JSON.stringify({ id: `evt_${sequence.toString(36).padStart(8, "0")}_${randomBytes(4).toString("hex")}`, type: "order.created", source: "bench", values });
  return { body, signature: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` };
}

interface Phase {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

let sequence = 0;

async function load(url: string, secret: string, connections: number, duration: number, expected: number): Promise<{ phase: Phase; ok: number; other: Record<string, number> }> {
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 35,
    requests: [
      {
        method: "POST",
        setupRequest: (request: Record<string, unknown>) => {
          const { body, signature } = signedDelivery(secret, ++sequence);
          return { ...request, method: "POST", body, headers: { "content-type": "application/json", "x-trellis-signature": signature } };
        },
      },
    ],
  });
  const ok = Number(result.statusCodeStats[String(expected)]?.count ?? 0);
  const other = Object.fromEntries(
    Object.entries(result.statusCodeStats)
      .filter(([status]) => status !== String(expected))
      .map(([status, { count }]) => [status, Number(count)]),
  );
  if (result.errors > 0) other.errors = result.errors;
  return { phase: { rps: round(ok / result.duration), p50Ms: round(result.latency.p50, 2), p99Ms: round(result.latency.p99, 2) }, ok, other };
}

/** Warm-up then measurement; `ok` counts the expected answers of both. */
async function measure(label: string, url: string, secret: string, connections: number, expected: number): Promise<{ phase: Phase; ok: number }> {
  const warm = await load(url, secret, connections, WARMUP_S, expected);
  const measured = await load(url, secret, connections, DURATION_S, expected);
  const anomalies = { ...measured.other };
  console.log(
    `${label} c${connections}: ${measured.phase.rps} ${expected}/s, p50 ${measured.phase.p50Ms} ms, p99 ${measured.phase.p99Ms} ms` +
      (Object.keys(anomalies).length ? ` (other answers: ${JSON.stringify(anomalies)})` : ""),
  );
  return { phase: measured.phase, ok: warm.ok + measured.ok };
}

/**
 * Every accepted delivery must be one log row with exactly one run. A phase
 * ends with up to `connections` requests in flight that the server still
 * stores but autocannon no longer counts, so the log may hold that many more
 * than were answered.
 */
async function verify(handle: DatabaseHandle, webhook: { id: string; workflowId: string }, answered: number, inFlight: number): Promise<void> {
  const [row] = await queryRows<{ accepted: number; runs: number; finished: number; inline: number; orphans: number }>(
    handle.db,
    sql`SELECT (SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ${webhook.id} AND verdict = 'accepted')::int AS accepted,
      (SELECT count(*) FROM runs WHERE workflow_id = ${webhook.workflowId})::int AS runs,
      (SELECT count(*) FROM runs WHERE workflow_id = ${webhook.workflowId} AND status = 'succeeded')::int AS finished,
      (SELECT count(*) FROM runs r JOIN webhook_deliveries d ON d.run_id = r.id AND d.verdict = 'accepted'
         WHERE r.workflow_id = ${webhook.workflowId} AND r.status = 'succeeded' AND r.xmin = d.xmin)::int AS inline,
      (SELECT count(*) FROM runs r WHERE r.workflow_id = ${webhook.workflowId}
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.run_id = r.id))::int AS orphans`,
  );
  const consistent = row && row.runs === row.accepted && row.orphans === 0 && row.accepted >= answered && row.accepted <= answered + inFlight;
  console.log(
    `  stored: ${row?.accepted} accepted deliveries and ${row?.runs} runs for ${answered} answered 202s (+ up to ${inFlight} cut off in flight)${consistent ? ": one run each" : ": MISMATCH"}`,
  );
  if (!consistent) throw new Error("accepted deliveries and runs do not match one to one");
  // A run of pure nodes is executed before its delivery is stored, and committed finished with it; any other is
  // executed by the worker after, and on a saturated machine some still wait in the queue (dropped before result mode).
  console.log(
    `  ${row?.finished} of those runs succeeded: ${row?.inline} committed finished with their delivery (executed inline), the others executed by the server's worker after; ${(row?.runs ?? 0) - (row?.finished ?? 0)} not finished yet`,
  );
}

/** Whether the server executes runs itself (its instrumentation starts the embedded runtime). */
async function serverExecutesRuns(base: string, slug: string, secret: string): Promise<boolean> {
  const { body, signature } = signedDelivery(secret, ++sequence);
  const response = await fetch(`${base}/api/hooks/${slug}`, { method: "POST", body, headers: { "content-type": "application/json", "x-trellis-signature": signature } });
  await response.arrayBuffer();
  return response.status === 200;
}

function spawnWorker(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "packages/runtime/src/worker-cli.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "pipe"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("started")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  return { child, ready };
}

async function main(): Promise<void> {
  ensureBuild();
  await withBenchDatabase("webhooks", async ({ handle, serverEnv }) => {
    const children: ChildProcess[] = [];
    try {
      const settings = await queryRows<{ name: string; setting: string }>(
        handle.db,
        sql`SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'server_version')`,
      );
      console.log(`PostgreSQL ${settings.map((s) => `${s.name}=${s.setting}`).join(", ")}`);

      // Per-endpoint limits far above the load: the bench measures ingress, not the limiter refusing it.
      const unlimited = { signatureScheme: "hmac-sha256" as const, rateLimit: 1_000_000, rateLimitWindowSeconds: 1 };
      const accepted = await webhookFixture(handle.db, { ...unlimited, slug: "bench-accepted" }, peersWorkload);
      const result = await webhookFixture(handle.db, { ...unlimited, slug: "bench-result", answerMode: "result", resultTimeoutMs: RESULT_TIMEOUT_MS }, peersWorkload);
      const probe = await webhookFixture(handle.db, { ...unlimited, slug: "bench-probe", answerMode: "result", resultTimeoutMs: 3_000 }, peersWorkload);

      const { child: server, base } = await startServer(serverEnv);
      children.push(server);
      console.log(`npm start server (production build) on ${base}; ${WARMUP_S} s warm-up + ${DURATION_S} s measured per phase`);
      await measureHealthFloor(base, 50);

      const acceptedUrl = `${base}/api/hooks/bench-accepted`;
      const acceptedPhases: Record<string, Phase> = {};
      let answered = 0;
      for (const connections of [1, 10, 50]) {
        const { phase, ok } = await measure("accepted", acceptedUrl, accepted.webhook.secret as string, connections, 202);
        acceptedPhases[`c${connections}`] = phase;
        answered += ok;
      }
      await verify(handle, accepted.webhook, answered, 2 * (1 + 10 + 50));
      // The accepted runs must not compete with result mode for workers.
      await handle.db.execute(sql`DELETE FROM runs WHERE workflow_id = ${accepted.workflowId}`);

      const inServer = await serverExecutesRuns(base, probe.webhook.slug, probe.webhook.secret as string);
      if (!inServer) {
        console.log(
          "the web server does not execute runs (its instrumentation does not start the embedded runtime yet): result mode runs with one `npm run worker` process beside it",
        );
        const worker = spawnWorker({ ...serverEnv, DATABASE_POOL_MAX: "12", TRELLIS_POLL_INTERVAL_MS: "1000" });
        children.push(worker.child);
        await worker.ready;
      }
      const resultUrl = `${base}/api/hooks/bench-result`;
      const resultPhases: Record<string, Phase> = {};
      let completed = 0;
      for (const connections of [1, 10]) {
        const { phase, ok } = await measure("result", resultUrl, result.webhook.secret as string, connections, 200);
        resultPhases[`c${connections}`] = phase;
        completed += ok;
      }
      console.log(`  ${completed} deliveries answered 200 with their run's output (${inServer ? "runs executed by the web server" : "runs executed by a worker process"})`);

      console.log(JSON.stringify({ accepted: acceptedPhases, result: resultPhases }));
    } finally {
      for (const child of children.reverse()) await stop(child);
    }
  });
}

await main();
