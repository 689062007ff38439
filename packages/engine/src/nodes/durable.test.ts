import { describe, expect, it } from "vitest";
import { createMemoryStepTools } from "../step-tools/memory";
import {
  eventsOf,
  outputOf,
  planOf,
  run,
  runContext,
  workflow,
} from "../testing/workflow";

const trigger = { id: "t", type: "trigger.manual" };

describe("delay", () => {
  it("sleeps for a duration through tools.sleep", async () => {
    const plan = planOf(
      workflow(
        [trigger, { id: "d", type: "delay", config: { durationMs: 60 } }],
        [["t", "d"]],
      ),
    );
    const started = Date.now();
    const { result, tools, events } = await run(plan, null);
    expect(Date.now() - started).toBeGreaterThanOrEqual(58);
    expect(tools.executed).toEqual(["t", "d", "d:sleep"]);
    expect(eventsOf(events, "node.waiting")[0]).toMatchObject({
      kind: "sleep",
      stepId: "d",
    });
    expect(outputOf(result).d).toEqual({ until: expect.any(String) });
  });

  it("sleeps until a timestamp computed by a template", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "d", type: "delay", config: { until: "{{ trigger.at }}" } },
        ],
        [["t", "d"]],
      ),
    );
    const at = new Date(Date.now() + 50).toISOString();
    const started = Date.now();
    expect(outputOf((await run(plan, { at })).result)).toEqual({
      d: { until: at },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("fixes the wake-up time in its journaled step so a replay does not sleep again", async () => {
    const plan = planOf(
      workflow(
        [trigger, { id: "d", type: "delay", config: { durationMs: 40 } }],
        [["t", "d"]],
      ),
    );
    const first = await run(plan, null);
    const started = Date.now();
    const replay = await run(plan, null, {
      tools: createMemoryStepTools({ memo: first.tools.journal }),
    });
    expect(Date.now() - started).toBeLessThan(30);
    expect(replay.result).toEqual(first.result);
  });

  it("rejects a config with neither or both of durationMs and until", async () => {
    expect(() =>
      planOf(
        workflow(
          [trigger, { id: "d", type: "delay", config: {} }],
          [["t", "d"]],
        ),
      ),
    ).toThrow(/exactly one/);
  });

  it("fails with run_timeout when the delay would outlive the run", async () => {
    const plan = planOf(
      workflow(
        [trigger, { id: "d", type: "delay", config: { durationMs: 10_000 } }],
        [["t", "d"]],
        { runTimeoutMs: 1_000 },
      ),
    );
    expect((await run(plan, null)).result).toMatchObject({
      status: "failed",
      error: { code: "run_timeout" },
    });
  });
});

describe("wait.event", () => {
  const plan = planOf(
    workflow(
      [
        trigger,
        {
          id: "w",
          type: "wait.event",
          config: {
            event: "order.paid",
            match: { orderId: "{{ trigger.orderId }}" },
            timeoutMs: 200,
          },
        },
        {
          id: "paid",
          type: "transform",
          config: { expression: "input.payload.amount" },
        },
        {
          id: "late",
          type: "transform",
          config: { expression: "'timed out'" },
        },
      ],
      [
        ["t", "w"],
        ["w", "paid", "out"],
        ["w", "late", "timeout"],
      ],
    ),
  );

  it("continues on `out` with the payload of the first matching event", async () => {
    const tools = createMemoryStepTools();
    setTimeout(() => {
      tools.sendEvent("order.paid", { orderId: 7, amount: 1 });
      tools.sendEvent("order.paid", { orderId: 42, amount: 99 });
    }, 20);
    const { result, events } = await run(plan, { orderId: 42 }, { tools });
    expect(outputOf(result)).toEqual({ paid: 99 });
    expect(eventsOf(events, "node.waiting")[0]).toMatchObject({
      kind: "event",
      detail: { event: "order.paid", match: { orderId: 42 }, timeoutMs: 200 },
    });
    expect(tools.journal.get("w:wait")).toEqual({ orderId: 42, amount: 99 });
  });

  it("takes the `timeout` handle when nothing matching arrives", async () => {
    const started = Date.now();
    const { result } = await run(plan, { orderId: 1 });
    expect(outputOf(result)).toEqual({ late: "timed out" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });
});

describe("approval", () => {
  const plan = planOf(
    workflow(
      [
        trigger,
        {
          id: "review",
          type: "approval",
          config: { title: "Refund {{ trigger.amount }}?", timeoutMs: 300 },
        },
        {
          id: "yes",
          type: "transform",
          config: { expression: "'approved by ' & input.by" },
        },
        {
          id: "no",
          type: "transform",
          config: { expression: "'rejected: ' & input.comment" },
        },
        { id: "expired", type: "noop" },
      ],
      [
        ["t", "review"],
        ["review", "yes", "approved"],
        ["review", "no", "rejected"],
        ["review", "expired", "timeout"],
      ],
    ),
  );
  const context = runContext({
    run: { id: "run-7", attempt: 1, startedAt: new Date().toISOString() },
  });

  it("waits for `approval:<stepId>` scoped to the run and follows the decision", async () => {
    const tools = createMemoryStepTools({
      events: [
        {
          name: "approval:review",
          payload: { runId: "other-run", decision: "rejected", comment: "x" },
        },
      ],
    });
    setTimeout(
      () =>
        tools.sendEvent("approval:review", {
          runId: "run-7",
          decision: "approved",
          by: "ana@example.com",
        }),
      20,
    );
    const { result } = await run(plan, { amount: 12 }, { tools, context });
    expect(outputOf(result)).toEqual({ yes: "approved by ana@example.com" });
    // The prepared request is journaled, so the app can show what is awaiting approval.
    expect(tools.journal.get("review")).toMatchObject({
      ok: true,
      output: {
        event: "approval:review",
        match: { runId: "run-7" },
        title: "Refund 12?",
        timeoutMs: 300,
      },
    });
  });

  it("follows a rejection", async () => {
    const tools = createMemoryStepTools({
      events: [
        {
          name: "approval:review",
          payload: {
            runId: "run-7",
            decision: "rejected",
            comment: "too much",
          },
        },
      ],
    });
    expect(
      outputOf((await run(plan, { amount: 1 }, { tools, context })).result),
    ).toEqual({ no: "rejected: too much" });
  });

  it("times out", async () => {
    const { result } = await run(plan, { amount: 1 }, { context });
    expect(outputOf(result)).toEqual({
      expired: { decision: "timeout", by: null, comment: null },
    });
  });

  it("fails on a malformed decision", async () => {
    const tools = createMemoryStepTools({
      events: [
        {
          name: "approval:review",
          payload: { runId: "run-7", decision: "maybe" },
        },
      ],
    });
    expect(
      (await run(plan, { amount: 1 }, { tools, context })).result,
    ).toMatchObject({ status: "failed", error: { code: "invalid_event" } });
  });

  it("names one event per item inside a splitter", async () => {
    const looped = planOf(
      workflow(
        [
          trigger,
          { id: "each", type: "loop.splitter", config: { items: "[1,2]" } },
          { id: "review", type: "approval", config: { timeoutMs: 500 } },
          { id: "c", type: "loop.collector" },
        ],
        [
          ["t", "each"],
          ["each", "review"],
          ["review", "c", "approved"],
        ],
      ),
    );
    const tools = createMemoryStepTools({
      events: [
        {
          name: "approval:review[1]",
          payload: { runId: "run-7", decision: "approved" },
        },
        {
          name: "approval:review[0]",
          payload: { runId: "run-7", decision: "approved", by: "b" },
        },
      ],
    });
    const { result } = await run(looped, null, { tools, context });
    expect(outputOf(result)).toEqual({
      c: [
        { decision: "approved", by: "b", comment: null },
        { decision: "approved", by: null, comment: null },
      ],
    });
  });
});

describe("workflow.invoke", () => {
  const plan = (retry = {}) =>
    planOf(
      workflow(
        [
          trigger,
          {
            id: "child",
            type: "workflow.invoke",
            config: {
              workflowId: "wf_{{ trigger.kind }}",
              input: { n: "{{ trigger.n }}" },
            },
            retry,
          },
        ],
        [["t", "child"]],
      ),
    );

  it("invokes through tools.invoke and outputs the child's output", async () => {
    const tools = createMemoryStepTools({
      invoke: async ({ workflowId, input, stepId }) => ({
        workflowId,
        input,
        stepId,
      }),
    });
    const { result } = await run(plan(), { kind: "billing", n: 3 }, { tools });
    expect(outputOf(result)).toEqual({
      child: {
        workflowId: "wf_billing",
        input: { n: 3 },
        stepId: "child:invoke",
      },
    });
  });

  it("retries a failed child run under new step ids", async () => {
    let calls = 0;
    const tools = createMemoryStepTools({
      invoke: async ({ stepId }) => {
        calls++;
        if (calls === 1) throw new Error("child failed");
        return stepId;
      },
    });
    const { result } = await run(
      plan({ maxAttempts: 2, initialDelayMs: 0 }),
      { kind: "x", n: 1 },
      { tools },
    );
    expect(outputOf(result)).toEqual({ child: "child#2:invoke" });
    expect(tools.executed).toEqual([
      "t",
      "child",
      "child:invoke",
      "child#2:backoff",
      "child#2",
      "child#2:invoke",
    ]);
    expect(tools.journal.get("child:invoke")).toMatchObject({
      $invokeError: { message: "child failed" },
    });
    const replay = await run(
      plan({ maxAttempts: 2, initialDelayMs: 0 }),
      { kind: "x", n: 1 },
      { tools: createMemoryStepTools({ memo: tools.journal }) },
    );
    expect(replay.result).toEqual(result);
    expect(calls).toBe(2);
  });
});
