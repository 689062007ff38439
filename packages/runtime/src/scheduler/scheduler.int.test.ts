import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, expect, it } from "vitest";
import { schema } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow } from "../testing/workflows";
import { fireDueSchedules, scheduleRunKey } from "./scheduler";

const runsOfSchedule = statement(
  "test_runs_of_schedule",
  `SELECT idempotency_key, trigger_kind, input FROM runs WHERE idempotency_key LIKE 'schedule:' || $1 || ':%' ORDER BY idempotency_key`,
);
const scheduleRow = statement("test_schedule_row", `SELECT next_run_at, last_slot_at FROM schedules WHERE id = $1`);

async function createSchedule(ctx: DriverSuiteContext, workspaceId: string, cron: string, nextRunAt: Date, input: unknown = null) {
  const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
  const [row] = await ctx
    .db()
    .insert(schema.schedules)
    .values({ workspaceId, workflowId, cron, timezone: "UTC", nextRunAt, input })
    .returning();
  if (!row) throw new Error("no schedule row");
  return row.id;
}

function suite(ctx: DriverSuiteContext) {
  let workspaceId: string;
  beforeAll(async () => {
    const user = await createUser(ctx.db());
    workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
  });

  it("starts one run for a due slot and moves the schedule to its next slot", async () => {
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const scheduleId = await createSchedule(ctx, workspaceId, "* * * * *", slot, { region: "eu" });
    const first = await fireDueSchedules(ctx.handle());
    expect(first.started).toBeGreaterThanOrEqual(1);
    const second = await fireDueSchedules(ctx.handle());
    expect(second.started).toBe(0);

    const sql = sqlForHandle(ctx.handle());
    const runs = await sql.query<{ idempotency_key: string; trigger_kind: string; input: unknown }>(runsOfSchedule, [scheduleId]);
    expect(runs).toEqual([{ idempotency_key: scheduleRunKey(scheduleId, slot), trigger_kind: "schedule", input: { region: "eu", scheduledAt: slot.toISOString() } }]);
    const [row] = await sql.query<{ next_run_at: Date | string; last_slot_at: Date | string }>(scheduleRow, [scheduleId]);
    expect(new Date(row?.last_slot_at as string).getTime()).toBe(slot.getTime());
    expect(new Date(row?.next_run_at as string).getTime()).toBeGreaterThan(Date.now());
    expect(first.nextDueAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it("catches up at most one missed slot after downtime", async () => {
    const anHourAgo = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
    const scheduleId = await createSchedule(ctx, workspaceId, "* * * * *", anHourAgo);
    await fireDueSchedules(ctx.handle());
    await fireDueSchedules(ctx.handle());
    const runs = await sqlForHandle(ctx.handle()).query<{ idempotency_key: string }>(runsOfSchedule, [scheduleId]);
    expect(runs.map((r) => r.idempotency_key)).toEqual([scheduleRunKey(scheduleId, anHourAgo)]);
  });

  if (ctx.driver === "pg") {
    const workers: ChildProcess[] = [];
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((child) => stopProcess(child)));
    });

    it("starts exactly one run per slot, missing none, with two scheduler processes racing", async () => {
      // Two `npm run worker` processes (each with its scheduler) against the same database.
      const url = ctx.testDatabase().url;
      if (!url) throw new Error("the pg test database has a URL");
      const spawned = [0, 1].map(() => spawnWorker(url));
      workers.push(...spawned.map((worker) => worker.child));
      await Promise.all(spawned.map((worker) => worker.ready));
      const begin = new Date(Math.ceil(Date.now() / 1_000) * 1_000 + 1_000);
      const scheduleId = await createSchedule(ctx, workspaceId, "* * * * * *", begin);
      await new Promise((resolve) => setTimeout(resolve, begin.getTime() - Date.now() + 3_600));
      const codes = await Promise.all(workers.splice(0).map((child) => stopProcess(child)));
      expect(codes).toEqual([0, 0]);

      const keys = (await sqlForHandle(ctx.handle()).query<{ idempotency_key: string }>(runsOfSchedule, [scheduleId])).map((r) => r.idempotency_key);
      const slots = keys.map((key) => Date.parse(key.slice(`schedule:${scheduleId}:`.length))).sort((a, b) => a - b);
      expect(slots.length).toBeGreaterThanOrEqual(3);
      expect(slots[0]).toBe(begin.getTime());
      // One run per second from the first slot on: none doubled (the keys are unique anyway), none skipped.
      slots.forEach((slot, i) => expect(slot).toBe(begin.getTime() + i * 1_000));
    });
  }
}

const workerCli = path.join(path.dirname(fileURLToPath(import.meta.url)), "../worker-cli.ts");

/** A worker process (`npm run worker`): its embedded worker, waker and scheduler. */
function spawnWorker(databaseUrl: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", workerCli], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: "4", TRELLIS_POLL_INTERVAL_MS: "1000", LOG_LEVEL: "silent" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("started")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the worker exited (${code}) before starting: ${output}`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

/** SIGTERM (a graceful stop) and the exit code. */
function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describeEachDriver("scheduler", suite, { drivers: ["pglite", "pg"] });
