import { afterAll, beforeAll, expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { appendRunEvents, type RunEventRecord } from "../records/run-events";
import { createRun, finishRuns } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow, eventually } from "../testing/workflows";
import { CHANNELS, formatRunEventNotice, processOrigin, type RunEventNotice } from "./channels";
import { closeRunEventBus, getRunEventBus, RunEventBus, watchRunEvents } from "./run-event-bus";
import type * as RunEventBusModuleNamespace from "./run-event-bus";

type RunEventBusModule = typeof RunEventBusModuleNamespace;

const notify = statement("test_notify", "SELECT pg_notify($1, $2)");

function suite(ctx: DriverSuiteContext) {
  let workspaceId: string;
  let otherWorkspaceId: string;
  let runId: string;
  let otherRunId: string;
  let bus: RunEventBus;

  beforeAll(async () => {
    const user = await createUser(ctx.db());
    workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
    otherWorkspaceId = (await createWorkspace(ctx.db(), user.id)).id;
    const mine = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
    const theirs = await createWorkflow(ctx.db(), otherWorkspaceId, chain({ id: "s", type: "noop" }));
    // Created for another driver, so no worker claims them while the test appends to their timelines.
    runId = (await createRun(ctx.handle(), { ...mine, workspaceId, triggerKind: "manual", driver: "test" })).run.id;
    otherRunId = (await createRun(ctx.handle(), { ...theirs, workspaceId: otherWorkspaceId, triggerKind: "manual", driver: "test" })).run.id;
    bus = new RunEventBus(ctx.handle());
    await bus.ready();
  });
  afterAll(async () => {
    await bus?.close();
  });

  it("delivers this process's events at once, by run and by workspace", async () => {
    const byRun: RunEventNotice[] = [];
    const byWorkspace: RunEventNotice[] = [];
    const stopRun = bus.subscribe({ runId }, (notice) => byRun.push(notice));
    const stopWorkspace = bus.subscribe({ workspaceId }, (notice) => byWorkspace.push(notice));
    try {
      const [notice] = await appendRunEvents(ctx.handle(), [{ runId, type: "node.log", data: { message: "hello" } }]);
      await appendRunEvents(ctx.handle(), [{ runId: otherRunId, type: "node.log" }]);
      expect(notice).toMatchObject({ runId, workspaceId });
      expect(byRun).toEqual([notice]);
      expect(byWorkspace).toEqual([notice]);
    } finally {
      stopRun();
      stopWorkspace();
    }
  });

  it("tells this process how a run it finished ended (the notice NOTIFY carries does not)", async () => {
    const { run } = await createRun(ctx.handle(), { ...(await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }))), workspaceId, triggerKind: "manual", driver: "test" });
    const received: RunEventNotice[] = [];
    const stop = bus.subscribe({ runId: run.id }, (notice) => received.push(notice));
    try {
      const [finished] = await finishRuns(ctx.handle(), [{ runId: run.id, status: "succeeded", output: { answer: 42 } }]);
      const outcome = { status: "succeeded", output: { answer: 42 }, error: null };
      expect(finished?.notices).toEqual([expect.objectContaining({ runId: run.id, finished: true, outcome })]);
      expect(received).toEqual(finished?.notices);
      expect(formatRunEventNotice(received[0] as RunEventNotice)).toBe(`${run.id},${workspaceId},${received[0]?.eventId},f`);
    } finally {
      stop();
    }
  });

  it("is one bus per database in the process, whichever copy of the module asks, so closing it closes every subscriber's", async () => {
    // Next.js's bundles and the self-hosted server's own imports are separate copies of this module in one process.
    const copy = (await import(/* @vite-ignore */ `./run-event-bus.ts?copy=${Date.now()}`)) as RunEventBusModule;
    expect(copy.getRunEventBus).not.toBe(getRunEventBus);
    const handle = ctx.handle();
    const mine = getRunEventBus(handle);
    expect(copy.getRunEventBus(handle)).toBe(mine);
    await copy.closeRunEventBus(handle);
    // Closed and forgotten by both: the next one asked for is a new bus.
    expect(getRunEventBus(handle)).not.toBe(mine);
    await closeRunEventBus(handle);
  });

  it("delivers other processes' events through LISTEN/NOTIFY and ignores its own echoes", async () => {
    const received: RunEventNotice[] = [];
    const stop = bus.subscribe({ workspaceId }, (notice) => received.push(notice));
    try {
      const sql = sqlForHandle(ctx.handle());
      await sql.query(notify, [CHANNELS.runEvents, `${processOrigin()}|${runId},${workspaceId},1`]);
      await sql.query(notify, [CHANNELS.runEvents, `another-process|${runId},${workspaceId},42;${otherRunId},${otherWorkspaceId},43`]);
      await eventually(() => (received.length > 0 ? true : undefined), 5_000, "the foreign notification");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual([{ runId, workspaceId, eventId: 42 }]);
    } finally {
      stop();
    }
  });

  it("follows a run's timeline in order, without duplicates, from a cursor", async () => {
    const [first] = await appendRunEvents(ctx.handle(), [{ runId, type: "node.log", data: { n: 0 } }]);
    const seen: RunEventRecord[] = [];
    const stop = watchRunEvents(ctx.handle(), bus, { workspaceId, runId, afterId: first?.eventId }, (events) => seen.push(...events));
    try {
      for (let batch = 1; batch <= 3; batch++) {
        await appendRunEvents(ctx.handle(), [
          { runId, type: "node.log", data: { n: batch * 10 } },
          { runId, type: "node.log", data: { n: batch * 10 + 1 } },
        ]);
      }
      await eventually(() => (seen.length >= 6 ? true : undefined), 5_000, "six events");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen.map((event) => (event.data as { n: number }).n)).toEqual([10, 11, 20, 21, 30, 31]);
      expect(new Set(seen.map((event) => event.id)).size).toBe(6);
    } finally {
      stop();
    }
  });

  if (ctx.driver === "pg") {
    it("listens again after its connection is killed, and asks subscribers to catch up", async () => {
      let resyncs = 0;
      const received: RunEventNotice[] = [];
      const stopResync = bus.onResync(() => resyncs++);
      const stop = bus.subscribe({ runId }, (notice) => received.push(notice));
      try {
        const sql = sqlForHandle(ctx.handle());
        await sql.query(
          statement(
            "test_kill_listener",
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
          ),
        );
        await eventually(() => (resyncs > 0 ? true : undefined), 10_000, "the resync after reconnecting");
        await sql.query(notify, [CHANNELS.runEvents, `another-process|${runId},${workspaceId},77`]);
        await eventually(() => (received.some((n) => n.eventId === 77) ? true : undefined), 5_000, "a notification on the new connection");
      } finally {
        stop();
        stopResync();
      }
    });
  }
}

describeEachDriver("run event bus", suite);
