import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createProbe, testRegistry } from "../testing/nodes";
import { nodeId, randomDag, toDefinition } from "../testing/random-dag";
import { compile } from "./compile";

const registry = testRegistry(createProbe());
const params = { numRuns: 200, seed: 20_240_601 };

describe("compile (property-based)", () => {
  it("always compiles a random DAG to an order that respects every edge", () => {
    fc.assert(
      fc.property(randomDag(), (dag) => {
        const result = compile(toDefinition(dag), registry);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const position = new Map(result.plan.order.map((id, i) => [id, i]));
        for (const edge of result.plan.edges) {
          expect(position.get(edge.source)).toBeLessThan(
            position.get(edge.target) as number,
          );
        }
        for (const e of dag.edges) {
          const from = position.get(nodeId(e.source));
          const to = position.get(nodeId(e.target));
          if (from !== undefined) expect(to).toBeGreaterThan(from);
        }
      }),
      params,
    );
  });

  it("reports every cycle a back edge closes", () => {
    fc.assert(
      fc.property(randomDag(), fc.nat(), fc.nat(), (dag, a, b) => {
        const size = dag.kinds.length;
        const from = 1 + (a % Math.max(1, size - 1));
        const to = size === 1 ? 0 : 1 + (b % Math.max(1, size - 1));
        if (from >= size) return;
        const definition = toDefinition(dag);
        const target = Math.min(to, from);
        // Add the forward path target -> from (if missing) and the back edge from -> target.
        definition.edges = [
          ...(definition.edges ?? []),
          {
            id: "fwd",
            source: nodeId(target),
            target: nodeId(from),
            sourceHandle: target === 0 ? "out" : null,
          },
          {
            id: "back",
            source: nodeId(from),
            target: nodeId(target),
            sourceHandle: null,
          },
        ];
        const result = compile(definition, registry);
        expect(result.ok).toBe(false);
        const cyclic = result.problems
          .filter((p) => p.code === "cycle")
          .map((p) => p.nodeId);
        if (target === 0) {
          // Edges into the trigger are refused as unknown handles before any cycle forms.
          expect(result.problems.some((p) => p.code === "unknown_handle")).toBe(
            true,
          );
        } else {
          expect(cyclic).toEqual(
            expect.arrayContaining([nodeId(from), nodeId(target)]),
          );
        }
      }),
      params,
    );
  });
});
