import { describe, expect, it } from "vitest";
import { createProbe, testRegistry } from "../testing/nodes";
import { eventsOf, outputOf, planOf, run, workflow } from "../testing/workflow";

const trigger = { id: "t", type: "trigger.manual" };

describe("splitter and collector", () => {
  it("runs the branch per item up to maxParallel and collects in item order", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "each",
            type: "loop.splitter",
            config: { items: "trigger.items", maxParallel: 3 },
          },
          // Later items finish first, so completion order differs from item order.
          {
            id: "work",
            type: "test.work",
            config: { delayMs: "{{ 30 - index * 3 }}" },
          },
          {
            id: "label",
            type: "transform",
            config: {
              expression:
                "'#' & $string(index) & '=' & $string(item) & ' of ' & $string($count(nodes.each.output))",
            },
          },
          { id: "collect", type: "loop.collector" },
        ],
        [
          ["t", "each"],
          ["each", "work"],
          ["work", "label"],
          ["label", "collect"],
        ],
      ),
      registry,
    );
    const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const { result, tools } = await run(plan, { items }, { registry });
    expect(outputOf(result)).toEqual({
      collect: items.map((item, i) => `#${i}=${item} of 10`),
    });
    expect(probe.maxRunning).toBe(3);
    expect(tools.executed).toContain("label[9]");
    expect(probe.finished).not.toEqual(items.map((_, i) => `work[${i}]`));
  });

  it("collects nothing from an empty array and carries on", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "each",
            type: "loop.splitter",
            config: { items: "trigger.missing" },
          },
          { id: "work", type: "noop" },
          { id: "collect", type: "loop.collector" },
          {
            id: "count",
            type: "transform",
            config: { expression: "$count(input)" },
          },
        ],
        [
          ["t", "each"],
          ["each", "work"],
          ["work", "collect"],
          ["collect", "count"],
        ],
      ),
    );
    const { result, events } = await run(plan, {});
    expect(outputOf(result)).toEqual({ count: 0 });
    expect(eventsOf(events, "node.started").map((e) => e.stepId)).toEqual([
      "t",
      "each",
      "collect",
      "count",
    ]);
  });

  it("filters or keeps skipped branches depending on includeSkipped", async () => {
    const build = (includeSkipped: boolean) =>
      planOf(
        workflow(
          [
            trigger,
            {
              id: "each",
              type: "loop.splitter",
              config: { items: "[1,2,3,4]" },
            },
            {
              id: "even",
              type: "condition",
              config: { expression: "item % 2 = 0" },
            },
            {
              id: "double",
              type: "transform",
              config: { expression: "item * 2" },
            },
            {
              id: "collect",
              type: "loop.collector",
              config: { includeSkipped },
            },
          ],
          [
            ["t", "each"],
            ["each", "even"],
            ["even", "double", "true"],
            ["double", "collect"],
          ],
        ),
      );
    expect(outputOf((await run(build(false), null)).result)).toEqual({
      collect: [4, 8],
    });
    const kept = await run(build(true), null);
    expect(outputOf(kept.result)).toEqual({ collect: [null, 4, null, 8] });
    expect(eventsOf(kept.events, "node.skipped").map((e) => e.stepId)).toEqual([
      "double[0]",
      "double[2]",
    ]);
  });

  it("nests splitters with one index per level in step ids", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "rows",
            type: "loop.splitter",
            config: { items: "[[1,2],[3]]" },
          },
          { id: "cells", type: "loop.splitter", config: { items: "item" } },
          {
            id: "sq",
            type: "transform",
            config: { expression: "item * item" },
          },
          { id: "row", type: "loop.collector" },
          { id: "table", type: "loop.collector" },
        ],
        [
          ["t", "rows"],
          ["rows", "cells"],
          ["cells", "sq"],
          ["sq", "row"],
          ["row", "table"],
        ],
      ),
    );
    const { result, tools } = await run(plan, null);
    expect(outputOf(result)).toEqual({ table: [[1, 4], [9]] });
    expect(tools.executed.filter((id) => id.startsWith("sq"))).toEqual(
      expect.arrayContaining(["sq[0][0]", "sq[0][1]", "sq[1][0]"]),
    );
    expect(tools.executed).toEqual(
      expect.arrayContaining([
        "cells[0]",
        "cells[1]",
        "row[0]",
        "row[1]",
        "table",
      ]),
    );
  });

  it("collects the items themselves when the splitter feeds the collector directly", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "each", type: "loop.splitter", config: { items: "['a','b']" } },
          { id: "collect", type: "loop.collector" },
        ],
        [
          ["t", "each"],
          ["each", "collect"],
        ],
      ),
    );
    expect(outputOf((await run(plan, null)).result)).toEqual({
      collect: ["a", "b"],
    });
  });

  it("runs a branch with no collector for its effects only", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "each", type: "loop.splitter", config: { items: "[1,2]" } },
          { id: "work", type: "noop" },
        ],
        [
          ["t", "each"],
          ["each", "work"],
        ],
      ),
    );
    const { result, tools } = await run(plan, null);
    expect(outputOf(result)).toEqual({ each: [1, 2] });
    expect(tools.executed).toEqual(["t", "each", "work[0]", "work[1]"]);
  });

  it("fails on items that are not an array", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "each", type: "loop.splitter", config: { items: "'nope'" } },
          { id: "work", type: "noop" },
          { id: "c", type: "loop.collector" },
        ],
        [
          ["t", "each"],
          ["each", "work"],
          ["work", "c"],
        ],
      ),
    );
    expect((await run(plan, null)).result).toMatchObject({
      status: "failed",
      failedNodeId: "each",
      error: { code: "invalid_items" },
    });
  });

  it("fails the run when an item's branch fails and starts no further items", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "each",
            type: "loop.splitter",
            config: { items: "[0,1,2,3,4,5]", maxParallel: 2 },
          },
          { id: "gate", type: "condition", config: { expression: "item = 1" } },
          {
            id: "boom",
            type: "test.work",
            config: { failures: 1, kind: "fatal" },
          },
          { id: "ok", type: "test.work", config: { delayMs: 10 } },
          { id: "c", type: "loop.collector" },
        ],
        [
          ["t", "each"],
          ["each", "gate"],
          ["gate", "boom", "true"],
          ["gate", "ok", "false"],
          ["boom", "c"],
          ["ok", "c"],
        ],
      ),
      registry,
    );
    const { result, tools } = await run(plan, null, { registry });
    expect(result).toMatchObject({ status: "failed", failedStepId: "boom[1]" });
    expect(tools.executed).not.toContain("gate[5]");
    expect(tools.executed).not.toContain("c");
  });
});
