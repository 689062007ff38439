import { compile } from "../compiler/compile";
import type { ExecutionPlan } from "../compiler/plan";
import type { RunContext } from "../context";
import type { WorkflowDefinitionInput } from "../definition/schema";
import { execute } from "../interpreter/execute";
import type { RunControl, RunEvent, RunResult } from "../interpreter/types";
import type { Json } from "../json";
import { defaultRegistry, type NodeRegistry } from "../nodes/registry";
import {
  createMemoryStepTools,
  type MemoryStepTools,
} from "../step-tools/memory";

// Shared by the engine's tests only (not exported from the package).

export type NodeInput = WorkflowDefinitionInput["nodes"][number];
type EdgeInput = NonNullable<WorkflowDefinitionInput["edges"]>[number];

export function workflow(
  nodes: NodeInput[],
  edges: (EdgeInput | [string, string, string?])[],
  settings: WorkflowDefinitionInput["settings"] = {},
): WorkflowDefinitionInput {
  return {
    schemaVersion: 1,
    nodes,
    edges: edges.map((edge, i) =>
      Array.isArray(edge)
        ? {
            id: `e${i}-${edge[0]}-${edge[1]}`,
            source: edge[0],
            target: edge[1],
            sourceHandle: edge[2] ?? null,
          }
        : edge,
    ),
    settings,
  };
}

export function planOf(
  definition: WorkflowDefinitionInput,
  registry: NodeRegistry = defaultRegistry(),
): ExecutionPlan {
  const result = compile(definition, registry);
  if (!result.ok)
    throw new Error(
      `does not compile: ${JSON.stringify(result.problems, null, 2)}`,
    );
  return result.plan;
}

export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    run: { id: "run-1", attempt: 1, startedAt: new Date().toISOString() },
    ...overrides,
  };
}

export interface Executed {
  result: RunResult;
  events: RunEvent[];
  tools: MemoryStepTools;
}

export async function run(
  plan: ExecutionPlan,
  input: Json,
  options: {
    tools?: MemoryStepTools;
    registry?: NodeRegistry;
    context?: RunContext;
    control?: RunControl;
  } = {},
): Promise<Executed> {
  const tools = options.tools ?? createMemoryStepTools();
  const events: RunEvent[] = [];
  try {
    const result = await execute({
      plan,
      input,
      tools,
      registry: options.registry,
      context: options.context ?? runContext(),
      control: options.control,
      observer: (event) => events.push(event),
    });
    return { result, events, tools };
  } finally {
    tools.dispose();
  }
}

export function eventsOf<T extends RunEvent["type"]>(
  events: RunEvent[],
  type: T,
): Extract<RunEvent, { type: T }>[] {
  return events.filter(
    (e): e is Extract<RunEvent, { type: T }> => e.type === type,
  );
}

export function outputOf(result: RunResult): Record<string, Json> {
  if (result.status !== "succeeded")
    throw new Error(`run failed: ${JSON.stringify(result.error)}`);
  return result.output;
}
