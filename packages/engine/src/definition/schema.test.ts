import { describe, expect, it } from "vitest";
import { WorkflowDefinitionSchema, WorkflowNodeSchema } from "./schema";

describe("definition schema", () => {
  it("fills in defaults a canvas may omit", () => {
    const parsed = WorkflowDefinitionSchema.parse({
      schemaVersion: 1,
      nodes: [{ id: "t", type: "trigger.manual" }],
    });
    expect(parsed).toEqual({
      schemaVersion: 1,
      nodes: [
        {
          id: "t",
          type: "trigger.manual",
          position: { x: 0, y: 0 },
          config: {},
        },
      ],
      edges: [],
      settings: {
        retry: {
          maxAttempts: 3,
          initialDelayMs: 1_000,
          backoffFactor: 2,
          maxDelayMs: 60_000,
        },
        nodeTimeoutMs: 300_000,
        maxParallelism: 20,
      },
    });
  });

  it("keeps node retry overrides partial so the rest comes from the settings", () => {
    expect(
      WorkflowNodeSchema.parse({
        id: "a",
        type: "noop",
        retry: { maxAttempts: 1 },
      }).retry,
    ).toEqual({ maxAttempts: 1 });
  });

  it("refuses ids that would break step ids or expressions", () => {
    for (const id of ["a b", "x[1]", "a#2", "__proto__", "", "a".repeat(65)]) {
      expect(WorkflowNodeSchema.safeParse({ id, type: "noop" }).success).toBe(
        false,
      );
    }
  });

  it("refuses non-JSON config values", () => {
    expect(
      WorkflowNodeSchema.safeParse({
        id: "a",
        type: "noop",
        config: { f: () => 1 },
      }).success,
    ).toBe(false);
  });
});
