import { describe, expect, it } from "vitest";
import { journalRowForStepResult, stepParamRows } from "./journal";

describe("journalRowForStepResult", () => {
  it("turns the engine's envelope into the row's status, error and timing, keeping the whole value as output", () => {
    const ok = { ok: true, output: 1, handles: null, startedAt: 1_000, durationMs: 5 };
    expect(journalRowForStepResult("r", "a", ok)).toEqual({
      runId: "r",
      stepId: "a",
      status: "succeeded",
      output: ok,
      error: null,
      startedAt: 1_000,
      finishedAt: 1_005,
      durationMs: 5,
    });
    const error = { name: "Error", code: "x", message: "m", retryable: true, details: null };
    const failed = { ok: false, error, startedAt: 2_000, durationMs: 1 };
    expect(journalRowForStepResult("r", "a#2", failed)).toMatchObject({ status: "failed", error, output: failed });
  });

  it("journals any other value as a succeeded step", () => {
    expect(journalRowForStepResult("r", "s", [1, 2], 7)).toEqual({
      runId: "r",
      stepId: "s",
      status: "succeeded",
      output: [1, 2],
      startedAt: 7,
      finishedAt: 7,
      durationMs: 0,
    });
  });
});

describe("stepParamRows", () => {
  it("derives node id and attempt from the step id unless given", () => {
    const [row] = stepParamRows([{ runId: "r", stepId: "charge[4]#3", status: "succeeded", output: null, startedAt: 0 }]);
    expect(row).toMatchObject({ n: "charge", a: 3, t0: "1970-01-01T00:00:00.000Z", t1: null, d: null });
    const [explicit] = stepParamRows([{ runId: "r", stepId: "x", nodeId: null, attempt: 2, status: "waiting" }]);
    expect(explicit).toMatchObject({ n: null, a: 2, st: "waiting" });
  });
});
