import { describe, expect, it } from "vitest";
import { DuplicateStepIdError } from "../errors";
import { containsJson, matchesEvent } from "./match";
import { createMemoryStepTools } from "./memory";
import {
  approvalEventName,
  attemptStepId,
  backoffStepId,
  baseStepId,
  compensationStepId,
  durableStepId,
  parseStepId,
} from "./step-ids";

describe("memory StepTools", () => {
  it("journals results as JSON and replays them without calling the function", async () => {
    const tools = createMemoryStepTools();
    const value = await tools.run("a", async () => ({
      n: 1,
      d: new Date(0) as never,
    }));
    expect(value).toEqual({ n: 1, d: "1970-01-01T00:00:00.000Z" });
    const replay = createMemoryStepTools({ memo: tools.journal });
    let called = false;
    expect(
      await replay.run("a", async () => {
        called = true;
        return 2;
      }),
    ).toEqual(value);
    expect(called).toBe(false);
    expect(replay.replayed).toEqual(["a"]);
    expect(replay.executed).toEqual([]);
  });

  it("refuses a step id used twice", async () => {
    const tools = createMemoryStepTools();
    await tools.run("a", async () => 1);
    await expect(tools.run("a", async () => 1)).rejects.toBeInstanceOf(
      DuplicateStepIdError,
    );
  });

  it("sleeps with real timers, and not at all on replay", async () => {
    const tools = createMemoryStepTools();
    const started = Date.now();
    await tools.sleep("s", { durationMs: 30 });
    await tools.sleep("u", { until: new Date(Date.now() + 20) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(48);
    const replay = createMemoryStepTools({ memo: tools.journal });
    const again = Date.now();
    await replay.sleep("s", { durationMs: 30 });
    expect(Date.now() - again).toBeLessThan(20);
  });

  it("delivers live and buffered events to matching waits, null on timeout", async () => {
    const tools = createMemoryStepTools({
      events: [{ name: "e", payload: { id: 1 } }],
    });
    expect(
      await tools.waitForEvent("w1", {
        event: "e",
        match: { id: 1 },
        timeoutMs: 100,
      }),
    ).toEqual({ id: 1 });
    const pending = tools.waitForEvent("w2", {
      event: "e",
      match: { id: 2 },
      timeoutMs: 1000,
    });
    expect(tools.pendingWaits()).toEqual([
      { stepId: "w2", event: "e", match: { id: 2 } },
    ]);
    expect(tools.sendEvent("e", { id: 3 })).toBe(0);
    expect(tools.sendEvent("e", { id: 2, x: true })).toBe(1);
    expect(await pending).toEqual({ id: 2, x: true });
    expect(
      await tools.waitForEvent("w3", { event: "other", timeoutMs: 10 }),
    ).toBeNull();
    expect(tools.journal.get("w3")).toBeNull();
  });

  it("invokes through the configured runner and fails without one", async () => {
    const tools = createMemoryStepTools({
      invoke: async ({ workflowId, input }) => ({ workflowId, input }),
    });
    expect(await tools.invoke("i", { workflowId: "wf", input: 1 })).toEqual({
      workflowId: "wf",
      input: 1,
    });
    await expect(
      createMemoryStepTools().invoke("i", { workflowId: "wf", input: 1 }),
    ).rejects.toMatchObject({ code: "invoke_failed" });
  });

  it("clears pending timers on dispose", async () => {
    const tools = createMemoryStepTools();
    void tools.waitForEvent("w", { event: "never", timeoutMs: 60_000 });
    tools.dispose();
    expect(tools.pendingWaits()).toEqual([]);
  });
});

describe("event matching (jsonb @> semantics)", () => {
  it.each([
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: 1 }, { z: null }, false],
    [{ tags: ["x", "y", "z"] }, { tags: ["z", "x"] }, true],
    [{ tags: ["x"] }, { tags: ["q"] }, false],
    [{ list: [{ id: 1, n: 2 }] }, { list: [{ id: 1 }] }, true],
    ["s", "s", true],
    [[1], { a: 1 }, false],
  ])("%j contains %j: %s", (target, pattern, expected) => {
    expect(containsJson(target, pattern)).toBe(expected);
  });

  it("matches everything without a pattern", () => {
    expect(matchesEvent({ a: 1 }, undefined)).toBe(true);
  });
});

describe("step ids", () => {
  it("builds and parses the documented scheme", () => {
    const base = baseStepId("charge", [2, 0]);
    expect(base).toBe("charge[2][0]");
    expect(attemptStepId(base, 1)).toBe(base);
    expect(parseStepId(attemptStepId(base, 3))).toEqual({
      nodeId: "charge",
      indices: [2, 0],
      attempt: 3,
      kind: "run",
      compensates: null,
    });
    expect(parseStepId(backoffStepId("a", 2))).toEqual({
      nodeId: "a",
      indices: [],
      attempt: 2,
      kind: "backoff",
      compensates: null,
    });
    expect(parseStepId(durableStepId("wait-1#2", "wait"))).toMatchObject({
      nodeId: "wait-1",
      attempt: 2,
      kind: "wait",
    });
    expect(parseStepId(compensationStepId("refund", "charge[1]"))).toEqual({
      nodeId: "refund",
      indices: [],
      attempt: 1,
      kind: "run",
      compensates: "charge[1]",
    });
    expect(approvalEventName("review[3]")).toBe("approval:review[3]");
    expect(parseStepId("bad id")).toBeNull();
  });
});
