import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile";
import type { WorkflowDefinitionInput } from "../definition/schema";
import type { Json, JsonObject } from "../json";
import { createMemoryStepTools } from "../step-tools/memory";
import { createProbe, testRegistry } from "../testing/nodes";
import {
  expectedRuns,
  nodeId,
  randomDag,
  toDefinition,
} from "../testing/random-dag";
import { eventsOf, run } from "../testing/workflow";

const registry = testRegistry(createProbe());
const params = { numRuns: 200, seed: 424_242 };

describe("execute (property-based)", () => {
  it("runs exactly the nodes reachable through taken edges, once, and skips the rest of the plan", async () => {
    await fc.assert(
      fc.asyncProperty(randomDag(), async (dag) => {
        const compiled = compile(toDefinition(dag), registry);
        if (!compiled.ok) throw new Error("random DAGs compile");
        const { result, events } = await run(
          compiled.plan,
          { seed: 1 },
          { registry },
        );
        const { reachable, runs } = expectedRuns(dag);
        expect(result.status).toBe("succeeded");
        const started = eventsOf(events, "node.started").map((e) => e.nodeId);
        const skipped = eventsOf(events, "node.skipped").map((e) => e.nodeId);
        expect([...started].sort()).toEqual([...runs].map(nodeId).sort());
        expect([...skipped].sort()).toEqual(
          [...reachable]
            .filter((i) => !runs.has(i))
            .map(nodeId)
            .sort(),
        );
        expect(
          Object.keys(
            result.status === "succeeded" ? result.output : {},
          ).sort(),
        ).toEqual(
          compiled.plan.terminals.filter((id) => started.includes(id)).sort(),
        );
      }),
      params,
    );
  });

  it("starts a join only after all of its live parents have finished", async () => {
    await fc.assert(
      fc.asyncProperty(randomDag(), async (dag) => {
        const compiled = compile(toDefinition(dag), registry);
        if (!compiled.ok) throw new Error("random DAGs compile");
        const { events } = await run(compiled.plan, null, { registry });
        const finishedAt = new Map<string, number>();
        const startedAt = new Map<string, number>();
        events.forEach((event, i) => {
          if (event.type === "node.completed") finishedAt.set(event.nodeId, i);
          if (event.type === "node.started") startedAt.set(event.nodeId, i);
        });
        for (const [id, start] of startedAt) {
          for (const parent of compiled.plan.predecessors[id] ?? []) {
            if (startedAt.has(parent))
              expect(finishedAt.get(parent)).toBeLessThan(start);
          }
        }
      }),
      params,
    );
  });

  it("replays from a memo of completed steps with the same output, calling no memoised step again", async () => {
    await fc.assert(
      fc.asyncProperty(randomDag(), fc.nat(), async (dag, cut) => {
        const compiled = compile(toDefinition(dag), registry);
        if (!compiled.ok) throw new Error("random DAGs compile");
        const first = await run(compiled.plan, { x: 1 }, { registry });
        const journal = [...first.tools.journal];
        const memo = new Map<string, Json>(
          journal.slice(0, cut % (journal.length + 1)),
        );
        const replay = await run(
          compiled.plan,
          { x: 1 },
          { registry, tools: createMemoryStepTools({ memo }) },
        );
        expect(replay.result).toEqual(first.result);
        expect(replay.tools.executed.filter((id) => memo.has(id))).toEqual([]);
        expect([...replay.tools.replayed].sort()).toEqual(
          [...memo.keys()].sort(),
        );
      }),
      params,
    );
  });
});

// Arbitrary definitions: mostly well-typed nodes and handles so that many
// compile and run, with junk (unknown types, bad expressions, back edges,
// wrong handles) mixed in.
const shapes: { type: string; config: JsonObject; handles: string[] }[] = [
  { type: "noop", config: {}, handles: ["out"] },
  { type: "transform", config: { expression: "input" }, handles: ["out"] },
  {
    type: "condition",
    config: { expression: "$boolean(trigger.a)" },
    handles: ["true", "false"],
  },
  {
    type: "switch",
    config: { cases: [{ id: "a", expression: "input = 1" }] },
    handles: ["a", "default"],
  },
  {
    type: "loop.splitter",
    config: { items: "[1,2,3]", maxParallel: 2 },
    handles: ["item"],
  },
  {
    type: "loop.collector",
    config: { includeSkipped: true },
    handles: ["out"],
  },
  { type: "delay", config: { durationMs: 2 }, handles: ["out"] },
  { type: "delay", config: { until: "{{ $now() }}" }, handles: ["out"] },
  {
    type: "wait.event",
    config: { event: "e", timeoutMs: 3 },
    handles: ["out", "timeout"],
  },
  {
    type: "approval",
    config: { timeoutMs: 3 },
    handles: ["approved", "rejected", "timeout"],
  },
  { type: "workflow.invoke", config: { workflowId: "w" }, handles: ["out"] },
  {
    type: "http.request",
    config: { url: "http://127.0.0.1:1/x", timeoutMs: 200 },
    handles: ["out"],
  },
  { type: "test.work", config: { failures: 1 }, handles: ["out"] },
  {
    type: "test.work",
    config: { failures: 1, kind: "fatal" },
    handles: ["out"],
  },
  { type: "transform", config: { expression: "(" }, handles: ["out"] },
  { type: "bogus", config: {}, handles: ["out"] },
];

export const arbitraryDefinition: fc.Arbitrary<WorkflowDefinitionInput> = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc
      .record({
        shapes: fc.array(fc.nat(shapes.length - 1), {
          minLength: n,
          maxLength: n,
        }),
        continueOnFail: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        edges: fc.array(
          fc.record({
            a: fc.nat(),
            b: fc.nat(),
            h: fc.nat(),
            back: fc.nat(19),
            odd: fc.nat(19),
          }),
          { maxLength: n * 2 },
        ),
      })
      .map(({ shapes: picks, continueOnFail, edges }) => {
        const nodes = [
          { id: "n0", type: "trigger.manual", config: {} },
          ...picks.map((pick, i) => ({
            id: `n${i + 1}`,
            type: shapes[pick]!.type,
            config: shapes[pick]!.config,
            continueOnFail: continueOnFail[i],
            retry: { maxAttempts: 2, initialDelayMs: 0 },
          })),
        ];
        const handlesOf = (i: number) =>
          i === 0 ? ["out"] : shapes[picks[i - 1]!]!.handles;
        return {
          schemaVersion: 1 as const,
          nodes,
          edges: edges.map(({ a, b, h, back, odd }, k) => {
            // One edge in twenty points backwards (a possible cycle), one in twenty uses an odd handle.
            const source = a % (n + 1);
            const target =
              back === 0
                ? b % (n + 1)
                : source === n
                  ? n
                  : source + 1 + (b % (n - source));
            const handles = handlesOf(source);
            const sourceHandle =
              odd === 0
                ? "zzz"
                : odd === 1
                  ? "error"
                  : odd === 2
                    ? null
                    : handles[h % handles.length]!;
            return {
              id: `e${k}`,
              source: `n${source}`,
              target: `n${target}`,
              sourceHandle,
            };
          }),
          settings: { retry: { initialDelayMs: 0 } },
        };
      }),
  );

describe("robustness (property-based)", () => {
  it("never makes compile throw, nor execute hang or throw, on arbitrary definitions", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryDefinition, async (definition) => {
        const compiled = compile(definition, registry);
        expect(Array.isArray(compiled.problems)).toBe(true);
        if (!compiled.ok) {
          expect(compiled.problems.some((p) => p.severity === "error")).toBe(
            true,
          );
          return;
        }
        const hung = new Promise<"hung">((resolve) =>
          setTimeout(() => resolve("hung"), 3_000).unref(),
        );
        const first = await Promise.race([
          run(compiled.plan, { a: 1 }, { registry }),
          hung,
        ]);
        if (first === "hung") throw new Error("execute hung");
        expect(["succeeded", "failed"]).toContain(first.result.status);
        const replay = await run(
          compiled.plan,
          { a: 1 },
          {
            registry,
            tools: createMemoryStepTools({ memo: first.tools.journal }),
          },
        );
        expect(replay.result).toEqual(first.result);
        expect(replay.tools.executed).toEqual([]);
      }),
      { numRuns: 300, seed: 77 },
    );
  }, 60_000);

  it("never makes compile throw on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(compile(value, registry).ok).toBe(false);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
