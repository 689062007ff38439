import { afterEach, beforeAll, expect, it } from "vitest";
import { openDatabase, schema, type DatabaseHandle } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { startEmbeddedRuntime, type EmbeddedRuntime } from "../embedded/runtime";
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
    let second: DatabaseHandle | undefined;
    const runtimes: EmbeddedRuntime[] = [];
    afterEach(async () => {
      for (const runtime of runtimes.splice(0)) await runtime.stop({ graceMs: 500 });
      await second?.close();
      second = undefined;
    });

    it("starts exactly one run per slot, missing none, with two schedulers racing", async () => {
      // Two processes' worth of schedulers: separate pools, same database.
      second = openDatabase({ url: ctx.testDatabase().url, driver: "pg", poolMax: 4 });
      const begin = new Date(Math.ceil(Date.now() / 1_000) * 1_000 + 1_000);
      const scheduleId = await createSchedule(ctx, workspaceId, "* * * * * *", begin);
      for (const handle of [ctx.handle(), second]) {
        runtimes.push(await startEmbeddedRuntime({ handle, worker: false, retention: false, pollIntervalMs: 1_000 }));
      }
      await new Promise((resolve) => setTimeout(resolve, begin.getTime() - Date.now() + 3_600));
      for (const runtime of runtimes.splice(0)) await runtime.stop({ graceMs: 500 });

      const keys = (await sqlForHandle(ctx.handle()).query<{ idempotency_key: string }>(runsOfSchedule, [scheduleId])).map((r) => r.idempotency_key);
      const slots = keys.map((key) => Date.parse(key.slice(`schedule:${scheduleId}:`.length))).sort((a, b) => a - b);
      expect(slots.length).toBeGreaterThanOrEqual(3);
      expect(slots[0]).toBe(begin.getTime());
      // One run per second from the first slot on: none doubled (the keys are unique anyway), none skipped.
      slots.forEach((slot, i) => expect(slot).toBe(begin.getTime() + i * 1_000));
    });
  }
}

describeEachDriver("scheduler", suite, { drivers: ["pglite", "pg"] });
