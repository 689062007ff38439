import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { getRunEventBus } from "../bus/run-event-bus";
import type { RunEventNotice } from "../bus/channels";
import { executeBeforeCreating, launchRuns, prepareRunStarts } from "../lifecycle/start-run";
import { readJournal } from "../records/journal";
import { readRunEvents } from "../records/run-events";
import { sqlForHandle, statement } from "../sql/sql-client";
import { callsOf, createProbe, gate, testRegistry } from "../testing/nodes";
import { chain, createWorkflow, waitForStatus } from "../testing/workflows";
import { PlanCache } from "./plan-cache";
import { runtimePerTest } from "../testing/runtime-per-test";

const probe = createProbe();
const registry = testRegistry(probe);
const planCache = new PlanCache(registry);

const transactionOf = statement(
  "test_inline_xmins",
  `SELECT (SELECT xmin::text FROM runs WHERE id = $1) AS run,
     (SELECT array_agg(DISTINCT xmin::text) FROM run_steps WHERE run_id = $1) AS steps,
     (SELECT array_agg(DISTINCT xmin::text) FROM run_events WHERE run_id = $1) AS events,
     (SELECT array_agg(DISTINCT xmin::text) FROM notification_deliveries WHERE run_id = $1) AS notifications`,
);

function suite(ctx: DriverSuiteContext) {
  let workspaceId: string;

  beforeAll(async () => {
    const user = await createUser(ctx.db());
    workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
  });


  afterAll(async () => {
    // The first test listens on the run event bus; its LISTEN connection would keep the pool from closing.
    await getRunEventBus(ctx.handle()).close();
  });

  const { start } = runtimePerTest(ctx.handle, registry, { concurrency: 4 });
  const db = () => ctx.handle();
  const ref = (runId: string) => ({ workspaceId, runId });

  /** Starts a run as webhook ingress does: prepared, executed before creation where it can be, then created. */
  const startInline = async (workflowId: string, input: unknown = {}) => {
    const [prepared] = await prepareRunStarts(db(), { workspaceId, workflowId, items: [{ input: input as never }], planCache });
    const started = await executeBeforeCreating(db(), prepared!);
    const [launched] = await launchRuns(db(), [started]);
    return { inline: started.inline !== undefined, run: launched!.created!.run };
  };

  it("creates a run of pure nodes finished, with its journal, timeline and notifications, in the statement that creates it", async () => {
    await start();
    const [subscription] = await ctx
      .db()
      .insert(schema.notificationSubscriptions)
      .values({ workspaceId, url: "https://hooks.example.com/runs", events: ["run.succeeded"], secretCiphertext: "unused by this test" })
      .returning();
    try {
      const { workflowId } = await createWorkflow(
        ctx.db(),
        workspaceId,
        chain({ id: "shape", type: "test.pure", config: { output: { shaped: true } } }, { id: "answer", type: "transform", config: { expression: "input.shaped" } }),
      );
      const notices: RunEventNotice[] = [];
      const unsubscribe = getRunEventBus(db()).subscribe({ workspaceId }, (notice) => notices.push(notice));
      const before = callsOf(probe, "shape");
      const { inline, run } = await startInline(workflowId, { n: 1 });
      unsubscribe();

      expect(inline).toBe(true);
      expect(run.status).toBe("succeeded");
      expect(run.output).toEqual({ answer: true });
      expect(run.startedAt!.getTime()).toBeLessThanOrEqual(run.finishedAt!.getTime());
      expect(callsOf(probe, "shape") - before).toBe(1);
      const journal = await readJournal(db(), run.id);
      expect([...journal.entries()].map(([stepId, entry]) => [stepId, entry.status]).sort()).toEqual([
        ["answer", "succeeded"],
        ["shape", "succeeded"],
        ["trigger", "succeeded"],
      ]);
      const events = await readRunEvents(db(), ref(run.id));
      expect(events.map((event) => [event.type, event.nodeId])).toEqual([
        ["run.queued", null],
        ["run.started", null],
        ["node.completed", "trigger"],
        ["node.completed", "shape"],
        ["node.completed", "answer"],
        ["run.succeeded", null],
      ]);
      expect(events[1]?.data).toEqual({ worker: expect.stringContaining(":") });
      const [outbox] = await ctx.db().select().from(schema.notificationDeliveries).where(eq(schema.notificationDeliveries.runId, run.id));
      expect(outbox).toMatchObject({ event: "run.succeeded", url: "https://hooks.example.com/runs", subscriptionId: subscription!.id });
      // One commit: the run, its journal, its timeline and its outbox row were written by one transaction.
      const [written] = await sqlForHandle(db()).query<Record<string, string | string[]>>(transactionOf, [run.id]);
      expect(written).toEqual({ run: written!.run, steps: [written!.run], events: [written!.run], notifications: [written!.run] });
      // Listeners in this process learn the outcome with the notice, without reading the run.
      expect(notices.find((notice) => notice.runId === run.id)).toMatchObject({
        finished: true,
        outcome: { status: "succeeded", output: { answer: true }, error: null },
      });
    } finally {
      await ctx.db().delete(schema.notificationSubscriptions).where(eq(schema.notificationSubscriptions.id, subscription!.id));
    }
  });

  it("leaves runs with effects, failing runs and runs past the budget to the worker, which executes them from their first step", async () => {
    await start();
    const effects = await createWorkflow(ctx.db(), workspaceId, chain({ id: "pureFirst", type: "test.pure" }, { id: "effect", type: "test.step", config: { output: 7 } }));
    const withEffect = await startInline(effects.workflowId);
    expect(withEffect.inline).toBe(false);
    expect(withEffect.run.status).toBe("running");
    expect((await waitForStatus(db(), ref(withEffect.run.id), "succeeded")).output).toEqual({ effect: 7 });
    // The version was never tried inline: its pure node ran once, in the worker.
    expect(callsOf(probe, "pureFirst", withEffect.run.id)).toBe(1);

    probe.failing.add("doomed");
    try {
      const failing = await createWorkflow(ctx.db(), workspaceId, chain({ id: "doomed", type: "test.pure" }));
      const before = callsOf(probe, "doomed");
      const failed = await startInline(failing.workflowId);
      expect(failed.inline).toBe(false);
      const record = await waitForStatus(db(), ref(failed.run.id), "failed");
      expect(record.error).toMatchObject({ message: "doomed was told to fail", nodeId: "doomed" });
      expect(record.deadLetteredAt).not.toBeNull();
      // Tried inline, then executed (and failed for the record) by the worker.
      expect(callsOf(probe, "doomed") - before).toBe(2);
    } finally {
      probe.failing.delete("doomed");
    }

    // Gates are per test process: each driver's suite needs its own.
    const budgetGate = `inline-budget-${randomUUID()}`;
    const slow = await createWorkflow(ctx.db(), workspaceId, chain({ id: "slowStart", type: "test.pure", config: { gate: budgetGate } }, { id: "after", type: "test.pure", config: { output: "done" } }));
    const [slowBefore, afterBefore] = [callsOf(probe, "slowStart"), callsOf(probe, "after")];
    setTimeout(() => gate(probe, budgetGate).open(), 250);
    const overBudget = await startInline(slow.workflowId);
    expect(overBudget.inline).toBe(false);
    expect((await waitForStatus(db(), ref(overBudget.run.id), "succeeded")).output).toEqual({ after: "done" });
    // The inline execution stopped before the second step; the worker began again from the first.
    expect(callsOf(probe, "slowStart") - slowBefore).toBe(2);
    expect(callsOf(probe, "after") - afterBefore).toBe(1);
  });

  it("executes inline only on a free slot of a worker of this process with no backlog", async () => {
    const pure = await createWorkflow(ctx.db(), workspaceId, chain({ id: "quick", type: "test.pure", config: { output: 1 } }));
    const noWorker = await startInline(pure.workflowId);
    expect(noWorker.inline).toBe(false);
    expect(noWorker.run.status).toBe("queued");

    await start({ concurrency: 1 });
    // The queued run is taken first; then the one slot is busy with a run held at a gate.
    await waitForStatus(db(), ref(noWorker.run.id), "succeeded");
    const slotGate = `inline-slot-${randomUUID()}`;
    const blocking = await createWorkflow(ctx.db(), workspaceId, chain({ id: "held", type: "test.step", config: { gate: slotGate } }));
    const held = await startInline(blocking.workflowId);
    expect(held.run.status).toBe("running");
    const waiting = await startInline(pure.workflowId);
    expect(waiting.inline).toBe(false);
    expect(waiting.run.status).toBe("queued");
    gate(probe, slotGate).open();
    await waitForStatus(db(), ref(held.run.id), "succeeded");
    expect((await waitForStatus(db(), ref(waiting.run.id), "succeeded")).output).toEqual({ quick: 1 });
  });
}

describeEachDriver("inline execution of runs before they are created", suite, { drivers: ["pglite", "pg"] });
