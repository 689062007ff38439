import { describe, expect, it } from "vitest";
import { testNode } from "../interpreter/test-node";

describe("transform", () => {
  it("evaluates JSONata over the run context", async () => {
    const result = await testNode({
      type: "transform",
      config: {
        expression:
          "{ 'total': $sum(input.items.price), 'who': trigger.user, 'v': vars.region }",
      },
      input: { items: [{ price: 2 }, { price: 3 }] },
      context: { vars: { region: "eu" } },
    });
    expect(result).toMatchObject({ ok: true, output: { total: 5, v: "eu" } });
  });

  it("turns JSONata sequences and missing values into plain JSON", async () => {
    expect(
      await testNode({
        type: "transform",
        config: { expression: "[1,2].{ 'x': $ }" },
      }),
    ).toMatchObject({ output: [{ x: 1 }, { x: 2 }] });
    expect(
      await testNode({
        type: "transform",
        config: { expression: "nothing.here" },
      }),
    ).toMatchObject({ ok: true, output: null });
  });

  it("fails without retry on an evaluation error", async () => {
    expect(
      await testNode({
        type: "transform",
        config: { expression: "$number('x') + 'a'" },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: "expression_error", retryable: false },
    });
  });
});

describe("condition", () => {
  it.each([
    ["input.n > 1", { n: 2 }, "true"],
    ["input.n > 1", { n: 0 }, "false"],
    ["input.list", { list: [] }, "false"],
    ["input.name", { name: "x" }, "true"],
    ["input.missing", {}, "false"],
  ])("%s with %j takes %s", async (expression, input, handle) => {
    expect(
      await testNode({ type: "condition", config: { expression }, input }),
    ).toMatchObject({
      ok: true,
      output: { result: handle === "true" },
      handles: [handle],
    });
  });
});

describe("switch", () => {
  const config = {
    cases: [
      { id: "high", expression: "input > 100" },
      { id: "mid", expression: "input > 10" },
    ],
  };
  it.each([
    [500, "high"],
    [50, "mid"],
    [5, "default"],
  ])("routes %j to %s", async (input, handle) => {
    expect(await testNode({ type: "switch", config, input })).toMatchObject({
      output: { case: handle },
      handles: [handle],
    });
  });

  it("rejects reserved and duplicate case ids", async () => {
    const result = await testNode({
      type: "switch",
      config: {
        cases: [
          { id: "default", expression: "1" },
          { id: "a", expression: "1" },
          { id: "a", expression: "1" },
        ],
      },
    });
    expect(result.ok === false && result.problems.map((p) => p.path)).toEqual([
      ["cases", 0, "id"],
      ["cases", 2, "id"],
    ]);
  });
});

describe("noop, splitter and collector in isolation", () => {
  it("noop passes its input through", async () => {
    expect(await testNode({ type: "noop", input: { a: 1 } })).toMatchObject({
      output: { a: 1 },
    });
  });

  it("splitter outputs its items and enforces maxItems", async () => {
    expect(
      await testNode({
        type: "loop.splitter",
        config: { items: "input" },
        input: [1, 2],
      }),
    ).toMatchObject({ output: [1, 2] });
    expect(
      await testNode({
        type: "loop.splitter",
        config: { items: "input", maxItems: 1 },
        input: [1, 2],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: "invalid_items" },
    });
  });

  it("collector keeps reached branches in order", async () => {
    const input = {
      branches: [
        { index: 0, reached: true, value: "a" },
        { index: 1, reached: false, value: null },
        { index: 2, reached: true, value: "c" },
      ],
    };
    expect(await testNode({ type: "loop.collector", input })).toMatchObject({
      output: ["a", "c"],
    });
    expect(
      await testNode({
        type: "loop.collector",
        config: { includeSkipped: true },
        input,
      }),
    ).toMatchObject({ output: ["a", null, "c"] });
  });
});
