import { checkNode } from "../compiler/config";
import type { PlanNode } from "../compiler/plan";
import { ProblemList, type Problem } from "../compiler/problems";
import type { RunContext } from "../context";
import {
  WorkflowSettingsSchema,
  type WorkflowNode,
} from "../definition/schema";
import {
  EngineError,
  ErrorCodes,
  serializeError,
  type SerializedError,
} from "../errors";
import type { Json } from "../json";
import { defaultRegistry, type NodeRegistry } from "../nodes/registry";
import { createMemoryStepTools } from "../step-tools/memory";
import type { StepTools } from "../step-tools/types";
import { runNode } from "./node-runner";
import { Halted, Run } from "./run";
import { runtimeNode } from "./runtime-plan";
import type { RunEvent } from "./types";

export interface TestNodeOptions {
  type: string;
  config?: Record<string, Json>;
  /** The node's input (the run input for triggers). */
  input?: Json;
  /** Outputs of other nodes the config's templates refer to, by node id. */
  nodes?: Record<string, Json>;
  /** Run context; a throwaway run id is used when omitted. */
  context?: Partial<RunContext>;
  registry?: NodeRegistry;
  /** Defaults to in-memory tools: a delay really sleeps, a wait times out unless an event is sent. */
  tools?: StepTools;
  nodeId?: string;
  timeoutMs?: number;
}

export type LogEntry = Extract<RunEvent, { type: "node.log" }>;

export type TestNodeResult =
  | {
      ok: true;
      output: Json;
      handles: string[] | null;
      durationMs: number;
      logs: LogEntry[];
    }
  | {
      ok: false;
      error: SerializedError;
      problems: Problem[];
      logs: LogEntry[];
    };

/** "Test this node" for the editor and the API: one attempt of one node, no retries, no graph. */
export async function testNode(
  options: TestNodeOptions,
): Promise<TestNodeResult> {
  const registry = options.registry ?? defaultRegistry();
  const nodeId = options.nodeId ?? "test";
  const type = registry.get(options.type);
  const problems = new ProblemList();
  const definition = {
    id: nodeId,
    type: options.type,
    position: { x: 0, y: 0 },
    config: options.config ?? {},
  } satisfies WorkflowNode;
  const checked = checkNode(definition, 0, type, problems);
  if (!type || problems.hasErrors || checked.config === null) {
    const error = new EngineError(
      ErrorCodes.invalidConfig,
      problems.items.map((p) => p.message).join("; "),
    );
    return {
      ok: false,
      error: serializeError(error),
      problems: problems.items,
      logs: [],
    };
  }
  const settings = WorkflowSettingsSchema.parse({});
  const def: PlanNode = {
    id: nodeId,
    type: options.type,
    name: null,
    config: checked.config,
    hasTemplates: checked.hasTemplates,
    role: type.category === "trigger" ? "trigger" : (type.role?.kind ?? "step"),
    topoIndex: 0,
    group: 0,
    slot: 0,
    waitCount: 0,
    in: [],
    out: [],
    retry: { ...settings.retry, maxAttempts: 1 },
    timeoutMs: options.timeoutMs ?? settings.nodeTimeoutMs,
    continueOnFail: false,
    compensation: null,
    bodyGroup: null,
    closes: null,
    collectors: [],
  };
  const logs: LogEntry[] = [];
  let durationMs = 0;
  const context: RunContext = {
    run: {
      id: `test-${Date.now()}`,
      attempt: 1,
      startedAt: new Date().toISOString(),
    },
    ...options.context,
  };
  const input = options.input ?? null;
  const run = new Run({
    tools: options.tools ?? createMemoryStepTools(),
    context,
    input,
    settings,
    observer: (event) => {
      if (event.type === "node.log") logs.push(event);
      if (event.type === "node.completed") durationMs = event.durationMs;
    },
  });
  for (const [id, output] of Object.entries(options.nodes ?? {}))
    run.rootScope.set(id, { output });
  try {
    const outcome = await runNode(run, {
      node: runtimeNode(def, type),
      scope: run.rootScope,
      baseStepId: nodeId,
      input,
      inputs: {},
    });
    if (outcome.kind === "completed") {
      return {
        ok: true,
        output: outcome.output,
        handles: outcome.handles === null ? null : [...outcome.handles],
        durationMs,
        logs,
      };
    }
    return { ok: false, error: outcome.error, problems: [], logs };
  } catch (error) {
    const halt = run.halt;
    throw error instanceof Halted && halt?.kind === "interrupt"
      ? halt.error
      : error;
  }
}
