import { expect } from "vitest";
import type { Json, WorkflowDefinitionInput } from "@trellis/engine";
import type { StepStatus } from "@trellis/db/schema";
import type { PendingApproval, SentEvent } from "../lifecycle/run-events-delivery";
import type { FinishedStatus, RunRecord, RunStatus } from "../records/run-record";
import type { RunEventType } from "../records/run-events";
import type { Probe } from "../testing/nodes";
import { chain, definition } from "../testing/workflows";
import type { InngestMocks } from "../inngest/testing/harness";

/** What a fixture may do while its run executes: the same calls for both drivers. */
export interface Drive {
  readonly runId: string;
  readonly workspaceId: string;
  readonly probe: Probe;
  waitForStatus(status: RunStatus): Promise<RunRecord>;
  /** Resolves once a step waits at gate `name`, with the function that opens it. */
  atGate(name: string): Promise<() => void>;
  /** Resolves once the run's timeline holds an entry of `type` for `stepId`. */
  inTimeline(type: string, stepId: string): Promise<void>;
  sendEvent(name: string, payload: Json): Promise<SentEvent>;
  pendingApprovals(): Promise<PendingApproval[]>;
  decide(stepId: string, decision: "approved" | "rejected", by?: string): Promise<void>;
  cancel(): Promise<RunRecord>;
  pause(): Promise<RunRecord>;
  resume(): Promise<RunRecord>;
}

/** What the suite observed of one run, normalised for comparison. */
export interface Observation {
  run: RunRecord;
  /** Status of every journal row, by step id. */
  steps: Record<string, StepStatus>;
  /** The run-level timeline (`run.*`), in order. */
  runEvents: string[];
  /** The node-level timeline (`node.*` but logs and starts) as `<type> <step id>`, sorted: parallel branches interleave differently. */
  nodeEvents: string[];
  /** Runs started by this one (workflow.invoke). */
  children: RunRecord[];
}

export interface Fixture {
  name: string;
  /** Other workflows the fixture's workflow refers to, created first; their ids are handed to `workflow`. */
  dependencies?: Record<string, WorkflowDefinitionInput>;
  workflow(ids: Record<string, string>): WorkflowDefinitionInput;
  input?: Json;
  drive?(drive: Drive): Promise<void>;
  /** Inngest steps InngestTestEngine cannot run (sleeps, invocations): see InngestMocks. */
  inngest?: InngestMocks;
  expected: {
    status: FinishedStatus;
    output?: Json;
    errorNodeId?: string;
    steps: Record<string, StepStatus>;
    runEvents: RunEventType[];
    /** Further checks of what one driver's run did. */
    check?(observation: Observation, probe: Probe): void;
  };
}

const trigger = { id: "trigger", type: "trigger.manual" };
/** Back-offs short enough to be waited out in the step (both drivers do so below 50 ms). */
const quickRetry = (maxAttempts: number) => ({ maxAttempts, initialDelayMs: 10, maxDelayMs: 10, backoffFactor: 1 });

export const fixtures: Fixture[] = [
  {
    name: "linear",
    workflow: () =>
      chain(
        { id: "add", type: "transform", config: { expression: "trigger.x + 1" } },
        { id: "double", type: "transform", config: { expression: "input * 2" } },
        { id: "done", type: "noop" },
      ),
    input: { x: 1 },
    expected: {
      status: "succeeded",
      output: { done: 4 },
      steps: { trigger: "succeeded", add: "succeeded", double: "succeeded", done: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.succeeded"],
    },
  },
  {
    name: "branching condition",
    workflow: () =>
      definition(
        [
          trigger,
          { id: "check", type: "condition", config: { expression: "trigger.amount > 100" } },
          { id: "big", type: "transform", config: { expression: "'big'" } },
          { id: "small", type: "transform", config: { expression: "'small'" } },
        ],
        [
          ["trigger", "check"],
          ["check", "big", "true"],
          ["check", "small", "false"],
        ],
      ),
    input: { amount: 150 },
    expected: {
      status: "succeeded",
      output: { big: "big" },
      steps: { trigger: "succeeded", check: "succeeded", big: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.succeeded"],
    },
  },
  {
    name: "switch",
    workflow: () =>
      definition(
        [
          trigger,
          {
            id: "route",
            type: "switch",
            config: {
              cases: [
                { id: "eu", expression: "trigger.region = 'eu'" },
                { id: "us", expression: "trigger.region = 'us'" },
              ],
            },
          },
          { id: "europe", type: "transform", config: { expression: "'eu'" } },
          { id: "america", type: "transform", config: { expression: "'us'" } },
          { id: "elsewhere", type: "transform", config: { expression: "'other'" } },
        ],
        [
          ["trigger", "route"],
          ["route", "europe", "eu"],
          ["route", "america", "us"],
          ["route", "elsewhere", "default"],
        ],
      ),
    input: { region: "us" },
    expected: {
      status: "succeeded",
      output: { america: "us" },
      steps: { trigger: "succeeded", route: "succeeded", america: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.succeeded"],
    },
  },
  {
    name: "splitter and collector with maxParallel",
    workflow: () =>
      definition(
        [
          trigger,
          { id: "each", type: "loop.splitter", config: { items: "trigger.items", maxParallel: 2 } },
          { id: "work", type: "conformance.work", config: { delayMs: 40, output: "{{ item * 10 }}" } },
          { id: "collect", type: "loop.collector" },
          { id: "sum", type: "transform", config: { expression: "$sum(input)" } },
        ],
        [
          ["trigger", "each"],
          ["each", "work", "item"],
          ["work", "collect"],
          ["collect", "sum"],
        ],
      ),
    input: { items: [1, 2, 3, 4] },
    expected: {
      status: "succeeded",
      output: { sum: 100 },
      steps: {
        trigger: "succeeded",
        each: "succeeded",
        "work[0]": "succeeded",
        "work[1]": "succeeded",
        "work[2]": "succeeded",
        "work[3]": "succeeded",
        collect: "succeeded",
        sum: "succeeded",
      },
      runEvents: ["run.queued", "run.started", "run.succeeded"],
      check: (_, probe) => {
        expect(probe.maxRunning).toBeGreaterThan(0);
        expect(probe.maxRunning).toBeLessThanOrEqual(2);
      },
    },
  },
  {
    name: "retry then success",
    workflow: () =>
      chain(
        { id: "flaky", type: "conformance.flaky", config: { failAttempts: 2 }, retry: quickRetry(3) },
        { id: "after", type: "noop" },
      ),
    expected: {
      status: "succeeded",
      output: { after: { attempt: 3 } },
      steps: {
        trigger: "succeeded",
        flaky: "failed",
        "flaky#2:backoff": "succeeded",
        "flaky#2": "failed",
        "flaky#3:backoff": "succeeded",
        "flaky#3": "succeeded",
        after: "succeeded",
      },
      runEvents: ["run.queued", "run.started", "run.succeeded"],
      check: (_, probe) => {
        // Every attempt ran exactly once: journaled attempts are never repeated.
        expect(Object.fromEntries(probe.calls)).toEqual({ flaky: 1, "flaky#2": 1, "flaky#3": 1 });
      },
    },
  },
  {
    name: "retry exhausted with compensation",
    workflow: () =>
      definition(
        [
          trigger,
          { id: "charge", type: "test.step", config: { output: { charged: 10 } }, compensation: "refund" },
          { id: "ship", type: "conformance.flaky", config: { failAttempts: 9 }, retry: quickRetry(2) },
          { id: "notify", type: "noop" },
          { id: "refund", type: "test.step", config: { output: { refunded: true } } },
        ],
        [
          ["trigger", "charge"],
          ["charge", "ship"],
          ["ship", "notify"],
        ],
      ),
    expected: {
      status: "failed",
      errorNodeId: "ship",
      steps: {
        trigger: "succeeded",
        charge: "succeeded",
        ship: "failed",
        "ship#2:backoff": "succeeded",
        "ship#2": "failed",
        "refund@charge": "succeeded",
      },
      runEvents: ["run.queued", "run.started", "run.failed"],
      check: ({ run }) => {
        expect(run.error).toMatchObject({ message: "attempt 2 of ship failed", nodeId: "ship", stepId: "ship#2" });
        expect(run.deadLetteredAt).not.toBeNull();
      },
    },
  },
  {
    name: "continueOnFail",
    workflow: () =>
      definition(
        [
          trigger,
          { id: "fragile", type: "conformance.flaky", config: { failAttempts: 9 }, retry: quickRetry(1), continueOnFail: true },
          { id: "happy", type: "transform", config: { expression: "'fine'" } },
          { id: "handled", type: "transform", config: { expression: "'recovered from: ' & input.error.message" } },
        ],
        [
          ["trigger", "fragile"],
          ["fragile", "happy", "out"],
          ["fragile", "handled", "error"],
        ],
      ),
    expected: {
      status: "succeeded",
      output: { handled: "recovered from: attempt 1 of fragile failed" },
      steps: { trigger: "succeeded", fragile: "failed", handled: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.succeeded"],
    },
  },
  {
    name: "delay",
    workflow: () =>
      chain({ id: "nap", type: "delay", config: { durationMs: 300 } }, { id: "after", type: "transform", config: { expression: "'awake'" } }),
    inngest: { sleeps: ["nap:sleep"] },
    expected: {
      status: "succeeded",
      output: { after: "awake" },
      steps: { trigger: "succeeded", nap: "succeeded", "nap:sleep": "succeeded", after: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.sleeping", "run.resumed", "run.succeeded"],
    },
  },
  {
    name: "wait for event",
    workflow: () =>
      definition(
        [
          trigger,
          {
            id: "paid",
            type: "wait.event",
            config: { event: "order.paid", match: { orderId: "{{ trigger.orderId }}" }, timeoutMs: 60_000 },
          },
          { id: "amount", type: "transform", config: { expression: "input.payload.amount" } },
          { id: "late", type: "transform", config: { expression: "'timed out'" } },
        ],
        [
          ["trigger", "paid"],
          ["paid", "amount", "out"],
          ["paid", "late", "timeout"],
        ],
      ),
    input: { orderId: "o-1" },
    async drive(d) {
      await d.waitForStatus("waiting");
      // Another order's payment must not resume this run.
      expect((await d.sendEvent("order.paid", { orderId: "o-2", amount: 99 })).runIds).toEqual([]);
      expect((await d.sendEvent("order.paid", { orderId: "o-1", amount: 5 })).runIds).toEqual([d.runId]);
    },
    expected: {
      status: "succeeded",
      output: { amount: 5 },
      steps: { trigger: "succeeded", paid: "succeeded", "paid:wait": "succeeded", amount: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.waiting", "run.event_received", "run.resumed", "run.succeeded"],
    },
  },
  {
    name: "wait for event that times out",
    workflow: () =>
      definition(
        [
          trigger,
          { id: "paid", type: "wait.event", config: { event: "order.paid", match: { orderId: "o-1" }, timeoutMs: 300 } },
          { id: "amount", type: "transform", config: { expression: "input.payload.amount" } },
          { id: "late", type: "transform", config: { expression: "'timed out'" } },
        ],
        [
          ["trigger", "paid"],
          ["paid", "amount", "out"],
          ["paid", "late", "timeout"],
        ],
      ),
    expected: {
      status: "succeeded",
      output: { late: "timed out" },
      steps: { trigger: "succeeded", paid: "succeeded", "paid:wait": "succeeded", late: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.waiting", "run.resumed", "run.succeeded"],
    },
  },
  {
    name: "approval",
    workflow: () =>
      definition(
        [
          trigger,
          { id: "review", type: "approval", config: { title: "Ship it?", approvers: ["alice"], timeoutMs: 60_000 } },
          { id: "ship", type: "transform", config: { expression: "'shipped by ' & input.by" } },
          { id: "drop", type: "transform", config: { expression: "'dropped'" } },
        ],
        [
          ["trigger", "review"],
          ["review", "ship", "approved"],
          ["review", "drop", "rejected"],
        ],
      ),
    async drive(d) {
      await d.waitForStatus("waiting");
      expect(await d.pendingApprovals()).toEqual([expect.objectContaining({ stepId: "review", title: "Ship it?", approvers: ["alice"] })]);
      await d.decide("review", "approved", "alice");
    },
    expected: {
      status: "succeeded",
      output: { ship: "shipped by alice" },
      steps: { trigger: "succeeded", review: "succeeded", "review:wait": "succeeded", ship: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.waiting", "run.event_received", "run.resumed", "run.succeeded"],
    },
  },
  {
    name: "invoke",
    dependencies: {
      // The gate holds the child until the parent waits for it, so the parent always parks (a child finishing first is another path).
      child: chain(
        { id: "hold", type: "test.step", config: { gate: "child", output: "{{ trigger.n }}" } },
        { id: "double", type: "transform", config: { expression: "input * 2" } },
      ),
    },
    workflow: (ids) =>
      chain(
        { id: "call", type: "workflow.invoke", config: { workflowId: ids.child ?? "", input: { n: "{{ trigger.n }}" } } },
        { id: "after", type: "transform", config: { expression: "input.double + 1" } },
      ),
    input: { n: 21 },
    async drive(d) {
      const open = await d.atGate("child");
      await d.waitForStatus("waiting");
      open();
    },
    inngest: { invokes: ["call:invoke"] },
    expected: {
      status: "succeeded",
      output: { after: 43 },
      steps: { trigger: "succeeded", call: "succeeded", "call:invoke": "succeeded", after: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.waiting", "run.resumed", "run.succeeded"],
      check: ({ run, children }) => {
        expect(children).toEqual([
          expect.objectContaining({ status: "succeeded", triggerKind: "invoke", parentRunId: run.id, output: { double: 42 }, driver: run.driver }),
        ]);
      },
    },
  },
  {
    name: "cancel mid-run",
    workflow: () => chain({ id: "slow", type: "test.step", config: { gate: "slow" } }, { id: "after", type: "noop" }),
    async drive(d) {
      const open = await d.atGate("slow");
      // Cancelled while the step is visibly in flight: both drivers have written its start entry by then.
      await d.inTimeline("node.started", "slow");
      await d.cancel();
      // Opened only once the cancel took effect (the embedded driver aborted the step, Inngest ended the record):
      // opening at once raced the cancel's delivery to the worker, and a step that won that race was journaled.
      await d.waitForStatus("cancelled");
      open();
    },
    expected: {
      status: "cancelled",
      steps: { trigger: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.cancel_requested", "run.cancelled"],
      check: (_, probe) => {
        expect(probe.calls.get("after")).toBeUndefined();
      },
    },
  },
  {
    name: "pause and resume",
    workflow: () =>
      chain({ id: "first", type: "test.step", config: { gate: "first" } }, { id: "second", type: "test.step", config: { output: "second" } }),
    async drive(d) {
      const open = await d.atGate("first");
      await d.inTimeline("node.started", "first");
      await d.pause();
      open();
      await d.waitForStatus("paused");
      // Paused at the step boundary: the step in flight finished, the next one has not started.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(d.probe.calls.get("first")).toBe(1);
      expect(d.probe.calls.get("second")).toBeUndefined();
      await d.resume();
    },
    expected: {
      status: "succeeded",
      output: { second: "second" },
      steps: { trigger: "succeeded", first: "succeeded", second: "succeeded" },
      runEvents: ["run.queued", "run.started", "run.pause_requested", "run.paused", "run.resume_requested", "run.resumed", "run.succeeded"],
      check: (_, probe) => {
        expect(Object.fromEntries(probe.calls)).toEqual({ first: 1, second: 1 });
      },
    },
  },
];
