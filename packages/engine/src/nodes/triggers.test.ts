import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile";
import { testNode } from "../interpreter/test-node";
import { outputOf, planOf, run, workflow } from "../testing/workflow";
import { nextScheduleTimes } from "./trigger-schedule";

describe("trigger.manual", () => {
  const inputSchema = {
    type: "object",
    properties: { email: { type: "string", format: "email" } },
    required: ["email"],
  };
  const plan = planOf(
    workflow(
      [
        { id: "t", type: "trigger.manual", config: { inputSchema } },
        { id: "n", type: "noop" },
      ],
      [["t", "n"]],
    ),
  );

  it("passes a valid input through", async () => {
    expect(outputOf((await run(plan, { email: "a@b.co" })).result)).toEqual({
      n: { email: "a@b.co" },
    });
  });

  it("fails the run on input that does not match the schema, without retrying", async () => {
    const { result, tools } = await run(plan, { email: 3 });
    expect(result).toMatchObject({
      status: "failed",
      failedNodeId: "t",
      error: { code: "invalid_input", retryable: false },
    });
    expect(tools.executed).toEqual(["t"]);
  });

  it("rejects an input schema zod cannot use at compile time", () => {
    const result = compile(
      workflow(
        [
          {
            id: "t",
            type: "trigger.manual",
            config: { inputSchema: { type: "banana" } },
          },
        ],
        [],
      ),
    );
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        code: "invalid_config",
        nodeId: "t",
        path: ["inputSchema"],
      }),
    );
  });
});

describe("trigger.webhook", () => {
  it("validates the request body against bodySchema", async () => {
    const config = {
      bodySchema: {
        type: "object",
        properties: { id: { type: "number" } },
        required: ["id"],
      },
    };
    const ok = await testNode({
      type: "trigger.webhook",
      config,
      input: { method: "POST", headers: {}, query: {}, body: { id: 1 } },
    });
    expect(ok).toMatchObject({ ok: true, output: { body: { id: 1 } } });
    const bad = await testNode({
      type: "trigger.webhook",
      config,
      input: { method: "POST", headers: {}, query: {}, body: {} },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  });
});

describe("trigger.schedule", () => {
  it("validates the cron pattern and the IANA time zone", () => {
    const problems = (config: Record<string, string>) =>
      compile(workflow([{ id: "t", type: "trigger.schedule", config }], []))
        .problems;
    expect(problems({ cron: "0 9 * * 1-5", timezone: "Europe/Paris" })).toEqual(
      [],
    );
    expect(problems({ cron: "0 25 * * *" })).toContainEqual(
      expect.objectContaining({ code: "invalid_config", path: ["cron"] }),
    );
    expect(
      problems({ cron: "0 9 * * *", timezone: "Mars/Olympus" }),
    ).toContainEqual(
      expect.objectContaining({ code: "invalid_config", path: ["timezone"] }),
    );
  });

  it("computes slots in the schedule's time zone", () => {
    const slots = nextScheduleTimes(
      { cron: "0 9 * * *", timezone: "America/New_York" },
      new Date("2025-01-15T00:00:00Z"),
      2,
    );
    expect(slots.map((d) => d.toISOString())).toEqual([
      "2025-01-15T14:00:00.000Z",
      "2025-01-16T14:00:00.000Z",
    ]);
  });

  it("outputs the slot it fired for, or the run start when tested by hand", async () => {
    expect(
      await testNode({
        type: "trigger.schedule",
        config: { cron: "* * * * *" },
        input: { scheduledAt: "2025-01-01T00:00:00Z" },
      }),
    ).toMatchObject({
      output: { scheduledAt: "2025-01-01T00:00:00Z" },
    });
    const manual = await testNode({
      type: "trigger.schedule",
      config: { cron: "* * * * *" },
    });
    expect(
      manual.ok &&
        typeof (manual.output as { scheduledAt: unknown }).scheduledAt,
    ).toBe("string");
  });
});
