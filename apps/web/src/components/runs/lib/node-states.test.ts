import { describe, expect, it } from "vitest";
import { deriveNodeRuns, nodeOutput, parseStep, type JournalStep, type RunEventLike } from "./node-states";

let nextId = 1;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const event = (type: string, nodeId: string, seconds: number, data: Record<string, unknown> = {}, stepId = nodeId): RunEventLike => ({
  id: nextId++,
  type,
  nodeId,
  stepId,
  data,
  createdAt: at(seconds),
});
const step = (stepId: string, nodeId: string, status: JournalStep["status"], output: unknown, attempt = 1): JournalStep => ({
  stepId,
  nodeId,
  status,
  attempt,
  output: output as JournalStep["output"],
  error: null,
  startedAt: at(0),
  finishedAt: at(1),
  durationMs: 12,
});

describe("parseStep", () => {
  it("reads attempts and durable parts", () => {
    expect(parseStep("fetch")).toEqual({ base: "fetch", attempt: 1, kind: "run" });
    expect(parseStep("fetch#3")).toEqual({ base: "fetch", attempt: 3, kind: "run" });
    expect(parseStep("fetch[2]#2:backoff")).toEqual({ base: "fetch[2]", attempt: 2, kind: "backoff" });
    expect(parseStep("approve:wait")).toEqual({ base: "approve", attempt: 1, kind: "wait" });
  });
});

describe("deriveNodeRuns", () => {
  it("follows the timeline: running, then succeeded with its duration", () => {
    const events = [event("node.started", "a", 0), event("node.completed", "a", 1, { attempt: 1, durationMs: 40 }), event("node.started", "b", 1)];
    const states = deriveNodeRuns(["a", "b", "c"], { status: "running" }, events, []);
    expect(states.get("a")).toMatchObject({ state: "succeeded", durationMs: 40, attempts: 1 });
    expect(states.get("b")).toMatchObject({ state: "running", durationMs: null });
    expect(states.get("c")).toMatchObject({ state: "queued" });
  });

  it("shows a failed attempt that will be retried as running, and counts attempts", () => {
    const events = [
      event("node.started", "a", 0, { attempt: 1 }),
      event("node.failed", "a", 1, { attempt: 1, willRetry: true, durationMs: 5 }),
      event("node.started", "a", 2, { attempt: 2 }, "a#2"),
    ];
    expect(deriveNodeRuns(["a"], { status: "running" }, events, []).get("a")).toMatchObject({ state: "running", attempts: 2 });
    const failed = [...events, event("node.failed", "a", 3, { attempt: 2, willRetry: false, durationMs: 7 }, "a#2")];
    expect(deriveNodeRuns(["a"], { status: "failed" }, failed, []).get("a")).toMatchObject({ state: "failed", attempts: 2, durationMs: 7, retrying: false });
  });

  it("marks skipped, waiting, stopped and never-reached nodes", () => {
    const events = [event("node.skipped", "s", 0), event("node.started", "w", 0), event("node.waiting", "w", 1)];
    const waiting = deriveNodeRuns(["s", "w", "x"], { status: "waiting" }, events, []);
    expect(waiting.get("s")?.state).toBe("skipped");
    expect(waiting.get("w")?.state).toBe("waiting");
    const cancelled = deriveNodeRuns(["s", "w", "x"], { status: "cancelled" }, events, []);
    expect(cancelled.get("w")?.state).toBe("cancelled");
    expect(cancelled.get("x")?.state).toBe("not-run");
  });

  it("takes nodes reused from the original run from the journal", () => {
    const states = deriveNodeRuns(["a"], { status: "running" }, [], [step("a", "a", "succeeded", { ok: true, output: 1, handles: null, startedAt: 0, durationMs: 12 })]);
    expect(states.get("a")).toMatchObject({ state: "succeeded", reused: true, durationMs: 12 });
  });
});

describe("nodeOutput", () => {
  it("unwraps the journal envelope of the last successful attempt", () => {
    const steps = [step("a", "a", "failed", { ok: false, error: { message: "x" } }), step("a#2", "a", "succeeded", { ok: true, output: { total: 3 } }, 2)];
    expect(nodeOutput("a", steps)).toEqual({ found: true, value: { total: 3 } });
    expect(nodeOutput("b", steps)).toEqual({ found: false, value: null });
  });
});
