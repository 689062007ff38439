import fc from "fast-check";
import type { WorkflowDefinitionInput } from "../definition/schema";
import type { NodeInput } from "./workflow";

// Random DAGs of conditions, switches and plain nodes, with a reference model
// of which nodes must run. Edges always point forward, so the graph is acyclic.

export type Kind = "noop" | "work" | "condition" | "switch";

export interface RandomDag {
  kinds: Kind[];
  /** For a condition: its constant result; for a switch: the chosen case (0, 1) or 2 for default. */
  choices: number[];
  edges: { source: number; target: number; handle: string }[];
  delays: number[];
}

const HANDLES: Record<Kind, string[]> = {
  noop: ["out"],
  work: ["out"],
  condition: ["true", "false"],
  switch: ["c0", "c1", "default"],
};

export const nodeId = (i: number): string => (i === 0 ? "t" : `n${i}`);

export function randomDag(maxNodes = 14): fc.Arbitrary<RandomDag> {
  return fc.integer({ min: 1, max: maxNodes }).chain((n) =>
    fc
      .record({
        kinds: fc.array(
          fc.constantFrom<Kind>("noop", "work", "condition", "switch"),
          { minLength: n, maxLength: n },
        ),
        choices: fc.array(fc.integer({ min: 0, max: 2 }), {
          minLength: n + 1,
          maxLength: n + 1,
        }),
        delays: fc.array(fc.integer({ min: 0, max: 1 }), {
          minLength: n + 1,
          maxLength: n + 1,
        }),
        raw: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), {
          maxLength: n * 3,
        }),
      })
      .map(({ kinds, choices, delays, raw }) => {
        const allKinds: Kind[] = ["noop", ...kinds];
        const edges = raw.map(([a, b, h]) => {
          const source = a % n;
          const target = source + 1 + (b % (n - source));
          const handles = HANDLES[allKinds[source] as Kind];
          return {
            source,
            target,
            handle: handles[h % handles.length] as string,
          };
        });
        return { kinds: allKinds, choices, edges, delays };
      }),
  );
}

export function chosenHandle(dag: RandomDag, i: number): string {
  const kind = dag.kinds[i] as Kind;
  const choice = dag.choices[i] as number;
  if (kind === "condition") return choice % 2 === 0 ? "true" : "false";
  if (kind === "switch") return HANDLES.switch[choice] as string;
  return "out";
}

export function toDefinition(dag: RandomDag): WorkflowDefinitionInput {
  const nodes = dag.kinds.map((kind, i): NodeInput => {
    if (i === 0) return { id: "t", type: "trigger.manual" };
    const choice = dag.choices[i] as number;
    switch (kind) {
      case "condition":
        return {
          id: nodeId(i),
          type: "condition",
          config: { expression: choice % 2 === 0 ? "true" : "false" },
        };
      case "switch":
        return {
          id: nodeId(i),
          type: "switch",
          config: {
            cases: [
              { id: "c0", expression: choice === 0 ? "true" : "false" },
              {
                id: "c1",
                expression: choice === 1 ? "$exists(trigger)" : "false",
              },
            ],
          },
        };
      case "work":
        return {
          id: nodeId(i),
          type: "test.work",
          config: { delayMs: dag.delays[i] ?? 0, output: nodeId(i) },
        };
      default:
        return { id: nodeId(i), type: "noop" };
    }
  });
  const edges = dag.edges.map((e, k) => ({
    id: `e${k}`,
    source: nodeId(e.source),
    target: nodeId(e.target),
    sourceHandle: e.handle,
  }));
  return {
    schemaVersion: 1,
    nodes,
    edges,
    settings: { retry: { maxAttempts: 1 } },
  };
}

export interface Expected {
  /** Reachable from the trigger through any edges (the plan's nodes). */
  reachable: Set<number>;
  /** Reachable through taken edges: exactly these run. */
  runs: Set<number>;
}

/** The reference semantics the interpreter must agree with. */
export function expectedRuns(dag: RandomDag): Expected {
  const reachable = new Set<number>([0]);
  const runs = new Set<number>([0]);
  for (let i = 1; i < dag.kinds.length; i++) {
    for (const e of dag.edges) {
      if (e.target !== i) continue;
      if (reachable.has(e.source)) reachable.add(i);
      if (runs.has(e.source) && chosenHandle(dag, e.source) === e.handle)
        runs.add(i);
    }
  }
  return { reachable, runs };
}
