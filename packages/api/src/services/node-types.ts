import { z } from "zod";
import { env } from "@trellis/config";
import { notFound } from "@trellis/config/errors";
import {
  createMemoryStepTools,
  defaultRegistry,
  EngineError,
  ErrorCodes,
  matchesEvent,
  testNode,
  type Json,
  type NodeDescriptor,
  type StepTools,
} from "@trellis/engine";
import { DefinitionProblemsError } from "./errors";
import type { DataScope } from "./scope";
import { resolveWorkspaceSecrets } from "./secrets";
import { definitionProblemSchema } from "./workflow-definition";

/** A test answers within this, whatever timeout the node's config asks for. */
export const NODE_TEST_TIMEOUT_MS = 30_000;

const jsonSchemaSchema = z.record(z.string(), z.unknown()).meta({ description: "A JSON Schema (draft 2020-12)" });
const handleSchema = z.object({ id: z.string(), label: z.string(), description: z.string().optional() });

export const nodeTypeSchema = z.object({
  type: z.string(),
  title: z.string(),
  category: z.enum(["trigger", "action", "logic", "flow", "data", "utility"]),
  description: z.string(),
  icon: z.string().meta({ description: "A lucide icon name" }),
  handles: z.object({
    inputs: z.array(handleSchema),
    outputs: z.array(handleSchema),
    dynamicOutputs: z.string().nullable(),
    error: handleSchema.nullable(),
  }),
  configSchema: jsonSchemaSchema,
  outputSchema: jsonSchemaSchema,
  durable: z.boolean().meta({ description: "Waits outside a step (sleep, event, invocation) and may park the run" }),
  role: z.enum(["trigger", "splitter", "collector"]).nullable(),
  expressionFields: z
    .array(z.string())
    .meta({ description: "Dotted config paths (`*` matches any key or index) holding raw JSONata rather than `{{ }}` templates" }),
});

/** A node type as the API describes it: the engine's public descriptor and which config fields are JSONata. */
export type NodeTypeView = NodeDescriptor & { expressionFields: string[] };

function view(descriptor: NodeDescriptor): NodeTypeView {
  return { ...descriptor, expressionFields: [...(defaultRegistry().get(descriptor.type)?.expressionFields ?? [])] };
}

export const nodeTypeInput = z.object({ type: z.string().min(1).max(100) });
export const testNodeBody = z.object({
  config: z.record(z.string(), z.json()).default({}),
  input: z.json().default(null).meta({ description: "The node's input (the run input for a trigger)" }),
  nodes: z.record(z.string(), z.json()).default({}).meta({ description: "Outputs of other nodes the config's templates refer to, by node id" }),
  event: z.json().optional().meta({ description: "The payload a wait or approval node receives; without one it times out at once" }),
});
export const testNodeInput = testNodeBody.extend(nodeTypeInput.shape);

const logEntrySchema = z.object({ level: z.enum(["debug", "info", "warn", "error"]), message: z.string(), data: z.json().nullable(), at: z.string() });
export const nodeTestResultSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    output: z.json(),
    handles: z.array(z.string()).nullable().meta({ description: "Output handles taken; null for all but `error`" }),
    durationMs: z.number(),
    logs: z.array(logEntrySchema),
  }),
  z.object({
    ok: z.literal(false),
    error: z.object({ name: z.string(), code: z.string(), message: z.string(), retryable: z.boolean(), details: z.json().nullable() }).loose(),
    problems: z.array(definitionProblemSchema),
    logs: z.array(logEntrySchema),
  }),
]);
export type NodeTestResult = z.output<typeof nodeTestResultSchema>;

export function listNodeTypes(): NodeTypeView[] {
  return defaultRegistry().listNodeTypes().map(view);
}

export function getNodeTypeOrThrow(input: z.infer<typeof nodeTypeInput>): NodeTypeView {
  const descriptor = defaultRegistry().describe(input.type);
  if (!descriptor) throw notFound("Node type");
  return view(descriptor);
}

/**
 * Step tools for a single test: steps run in memory, sleeps end at once, a
 * wait receives the given event (or times out at once) and nothing invokes
 * another workflow. A test answers now; it never parks.
 */
function instantTools(event: Json | undefined): StepTools {
  const memory = createMemoryStepTools();
  return {
    run: memory.run,
    sleep: async () => undefined,
    waitForEvent: async (_stepId, wait) => (event !== undefined && matchesEvent(event, wait.match) ? event : null),
    invoke: async (_stepId, options) => {
      throw new EngineError(ErrorCodes.invokeFailed, `a node test does not run other workflows (it would run ${options.workflowId})`);
    },
  };
}

/**
 * Runs one node once with the given config and input, with the workspace's
 * secrets (masked in whatever comes back). A config the node rejects answers
 * UNPROCESSABLE_CONTENT with its problems; a node that runs and fails is a
 * successful test whose result says `ok: false`.
 */
export async function testNodeType(scope: DataScope, input: z.infer<typeof testNodeInput>): Promise<NodeTestResult> {
  getNodeTypeOrThrow(input);
  const result = await testNode({
    type: input.type,
    config: input.config,
    input: input.input,
    nodes: input.nodes,
    tools: instantTools(input.event),
    timeoutMs: NODE_TEST_TIMEOUT_MS,
    context: {
      run: { id: `test-${crypto.randomUUID()}`, attempt: 1, startedAt: new Date().toISOString() },
      secrets: await resolveWorkspaceSecrets(scope.db, scope.workspaceId),
      // The same network policy runs get, so a test reaches what a run would.
      network: { allowedHosts: env().TRELLIS_ALLOWED_HOSTS },
    },
  });
  if (!result.ok && result.problems.length > 0) throw new DefinitionProblemsError("The node's config is not valid", result.problems);
  return result;
}
