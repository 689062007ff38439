import { describe, expect, it } from "vitest";
import { engineEventToRunEvent } from "./run-events";

const error = { name: "Error", code: "node_error", message: "boom", retryable: true, details: null };

describe("engineEventToRunEvent", () => {
  it("turns completions and failures into entries, replayed or not (drivers dedupe against their timeline)", () => {
    const completed = { type: "node.completed" as const, nodeId: "a", stepId: "a", attempt: 1, durationMs: 3, output: { big: "x" }, handles: null };
    expect(engineEventToRunEvent("r", { ...completed, replayed: false })).toEqual({
      runId: "r",
      type: "node.completed",
      nodeId: "a",
      stepId: "a",
      data: { attempt: 1, durationMs: 3, handles: null },
    });
    expect(engineEventToRunEvent("r", { ...completed, replayed: true })).toEqual(engineEventToRunEvent("r", { ...completed, replayed: false }));
    const failed = { type: "node.failed" as const, nodeId: "a", stepId: "a#2", attempt: 2, durationMs: 1, error, willRetry: false, continued: true };
    expect(engineEventToRunEvent("r", { ...failed, replayed: true }).type).toBe("node.failed");
    expect(engineEventToRunEvent("r", { ...failed, replayed: false }).data).toEqual({ attempt: 2, durationMs: 1, error, willRetry: false, continued: true });
  });

  it("keeps node outputs out of the timeline, and tags compensation steps", () => {
    const event = engineEventToRunEvent("r", {
      type: "node.started",
      nodeId: "undo",
      stepId: "undo@a",
      compensates: "a",
      attempt: 1,
      startedAt: "2030-01-01T00:00:00.000Z",
    });
    expect(event).toEqual({ runId: "r", type: "node.started", nodeId: "undo", stepId: "undo@a", at: Date.parse("2030-01-01T00:00:00.000Z"), data: { attempt: 1, compensates: "a" } });
    expect(engineEventToRunEvent("r", { type: "node.skipped", nodeId: "b", stepId: "b" }).data).toBeNull();
  });
});
