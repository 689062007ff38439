import { describe, expect, it } from "vitest";
import { defineNode, IN, OUT } from "../nodes/types";
import { createDefaultRegistry } from "../nodes/registry";
import { eventsOf, outputOf, planOf, run, workflow } from "../testing/workflow";
import { z } from "zod";
import { execute } from "./execute";
import { createMemoryStepTools } from "../step-tools/memory";
import { PlanError } from "../errors";

const trigger = { id: "t", type: "trigger.manual" };

describe("execute: branches, skips and joins", () => {
  const branching = planOf(
    workflow(
      [
        trigger,
        {
          id: "c",
          type: "condition",
          config: { expression: "trigger.amount > 100" },
        },
        { id: "big", type: "transform", config: { expression: "'big'" } },
        { id: "small", type: "transform", config: { expression: "'small'" } },
        { id: "afterSmall", type: "noop" },
        {
          id: "join",
          type: "transform",
          config: { expression: "input & '!'" },
        },
      ],
      [
        ["t", "c"],
        ["c", "big", "true"],
        ["c", "small", "false"],
        ["small", "afterSmall"],
        ["big", "join"],
        ["afterSmall", "join"],
      ],
    ),
  );

  it("runs the taken branch, skips the other one transitively, and joins once", async () => {
    const { result, events } = await run(branching, { amount: 500 });
    expect(outputOf(result)).toEqual({ join: "big!" });
    expect(eventsOf(events, "node.completed").map((e) => e.nodeId)).toEqual([
      "t",
      "c",
      "big",
      "join",
    ]);
    expect(
      eventsOf(events, "node.skipped")
        .map((e) => e.nodeId)
        .sort(),
    ).toEqual(["afterSmall", "small"]);
  });

  it("takes the other branch for other input", async () => {
    const { result } = await run(branching, { amount: 5 });
    expect(outputOf(result)).toEqual({ join: "small!" });
  });

  it("skips a node whose incoming edges are all skipped, and the run still ends", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "c", type: "condition", config: { expression: "false" } },
          { id: "a", type: "noop" },
          { id: "b", type: "noop" },
          { id: "z", type: "noop" },
        ],
        [
          ["t", "c"],
          ["c", "a", "true"],
          ["c", "b", "true"],
          ["a", "z"],
          ["b", "z"],
        ],
      ),
    );
    const { result, events } = await run(plan, {});
    expect(result).toEqual({ status: "succeeded", output: {} });
    expect(eventsOf(events, "node.skipped").map((e) => e.nodeId)).toEqual([
      "a",
      "b",
      "z",
    ]);
  });

  it("gives a join the first live predecessor's output as input and all of them as inputs", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "a", type: "transform", config: { expression: "'A'" } },
          { id: "b", type: "transform", config: { expression: "'B'" } },
          {
            id: "j",
            type: "transform",
            config: { expression: "{ 'input': input, 'inputs': inputs }" },
          },
        ],
        [
          ["t", "b"],
          ["t", "a"],
          { id: "z1", source: "b", target: "j" },
          { id: "z2", source: "a", target: "j" },
        ],
      ),
    );
    const { result } = await run(plan, null);
    expect(outputOf(result)).toEqual({
      j: { input: "B", inputs: { a: "A", b: "B" } },
    });
  });

  it("routes a switch to the first truthy case or default", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "s",
            type: "switch",
            config: {
              cases: [
                { id: "gold", expression: "trigger.tier = 'gold'" },
                { id: "vip", expression: "trigger.spend > 1000" },
              ],
            },
          },
          { id: "g", type: "transform", config: { expression: "'gold'" } },
          { id: "v", type: "transform", config: { expression: "'vip'" } },
          { id: "d", type: "transform", config: { expression: "'default'" } },
        ],
        [
          ["t", "s"],
          ["s", "g", "gold"],
          ["s", "v", "vip"],
          ["s", "d", "default"],
        ],
      ),
    );
    expect(
      outputOf((await run(plan, { tier: "gold", spend: 5000 })).result),
    ).toEqual({ g: "gold" });
    expect(
      outputOf((await run(plan, { tier: "x", spend: 5000 })).result),
    ).toEqual({ v: "vip" });
    expect(outputOf((await run(plan, { tier: "x", spend: 1 })).result)).toEqual(
      { d: "default" },
    );
  });

  it("resolves templates from trigger, nodes, run and vars", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "a",
            type: "transform",
            config: { expression: "{ 'n': trigger.n * 2 }" },
          },
          {
            id: "w",
            type: "workflow.invoke",
            config: {
              workflowId: "wf-{{ vars.suffix }}",
              input: { n: "{{ nodes.a.output.n }}", run: "{{ run.id }}" },
            },
          },
        ],
        [
          ["t", "a"],
          ["a", "w"],
        ],
      ),
    );
    const tools = createMemoryStepTools({
      invoke: async ({ workflowId, input }) => ({ workflowId, input }),
    });
    const { result } = await run(
      plan,
      { n: 21 },
      {
        tools,
        context: {
          run: { id: "r-9", attempt: 1, startedAt: new Date().toISOString() },
          vars: { suffix: "child" },
        },
      },
    );
    expect(outputOf(result)).toEqual({
      w: { workflowId: "wf-child", input: { n: 42, run: "r-9" } },
    });
  });

  it("reports durations and step ids on node events", async () => {
    const { events } = await run(
      planOf(workflow([trigger, { id: "a", type: "noop" }], [["t", "a"]])),
      1,
    );
    const completed = eventsOf(events, "node.completed");
    expect(completed.map((e) => [e.stepId, e.attempt, e.replayed])).toEqual([
      ["t", 1, false],
      ["a", 1, false],
    ]);
    for (const event of completed)
      expect(event.durationMs).toBeGreaterThanOrEqual(0);
    expect(eventsOf(events, "node.started")).toHaveLength(2);
  });

  it("fails the run when a node chooses a handle it does not declare", async () => {
    const liar = defineNode({
      type: "test.liar",
      title: "Liar",
      category: "utility",
      description: "",
      icon: "x",
      inputs: IN,
      outputs: OUT,
      configSchema: z.object({}),
      outputSchema: z.json(),
      run: async () => ({ output: 1, handles: ["sideways"] }),
    });
    const registry = createDefaultRegistry([liar]);
    const { result } = await run(
      planOf(
        workflow([trigger, { id: "l", type: "test.liar" }], [["t", "l"]]),
        registry,
      ),
      null,
      { registry },
    );
    expect(result).toMatchObject({
      status: "failed",
      failedNodeId: "l",
      error: { code: "invalid_output" },
    });
  });

  it("refuses a plan whose node types the registry does not know", async () => {
    const plan = planOf(workflow([trigger], []));
    const foreign = {
      ...plan,
      nodes: { t: { ...plan.nodes.t!, type: "gone" } },
    };
    await expect(
      execute({
        plan: foreign,
        input: null,
        tools: createMemoryStepTools(),
        context: {
          run: { id: "r", attempt: 1, startedAt: new Date().toISOString() },
        },
      }),
    ).rejects.toBeInstanceOf(PlanError);
  });
});
