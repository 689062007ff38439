import { z } from "zod";

export const CURRENT_SCHEMA_VERSION = 1;

// Step ids and JSONata paths are built from node ids, so they stay in a small alphabet.
const RESERVED_IDS = new Set(["__proto__", "constructor", "prototype"]);
export const NodeIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    "ids use letters, digits, '_' and '-' (at most 64)",
  )
  .refine((id) => !RESERVED_IDS.has(id), "this id is reserved");

const retryFields = {
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(25)
    .describe("Attempts including the first"),
  initialDelayMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .describe("Back-off ceiling before the second attempt"),
  backoffFactor: z
    .number()
    .min(1)
    .max(10)
    .describe("Multiplier of the ceiling per attempt"),
  maxDelayMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .describe("Cap of any back-off"),
};

export const RetryPolicySchema = z
  .object({
    maxAttempts: retryFields.maxAttempts.default(3),
    initialDelayMs: retryFields.initialDelayMs.default(1_000),
    backoffFactor: retryFields.backoffFactor.default(2),
    maxDelayMs: retryFields.maxDelayMs.default(60_000),
  })
  .describe(
    "Exponential back-off with full jitter: each delay is uniform in [0, min(max, initial * factor^(n-1)))",
  );

// No defaults here: a node overriding one field must inherit the others from the settings.
export const RetryOverrideSchema = z.object(retryFields).partial();
export type RetryPolicy = z.output<typeof RetryPolicySchema>;

export const PositionSchema = z.object({ x: z.number(), y: z.number() });

export const WorkflowNodeSchema = z.object({
  id: NodeIdSchema,
  type: z.string().min(1).max(100),
  name: z.string().max(200).optional(),
  position: PositionSchema.prefault({ x: 0, y: 0 }),
  config: z.record(z.string(), z.json()).default({}),
  retry: RetryOverrideSchema.optional().describe(
    "Overrides fields of settings.retry for this node",
  ),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .max(86_400_000)
    .optional()
    .describe("Overrides settings.nodeTimeoutMs"),
  continueOnFail: z
    .boolean()
    .optional()
    .describe(
      "Send the failure to the `error` handle instead of failing the run",
    ),
  compensation: NodeIdSchema.optional().describe(
    "A node (with no edges) run to undo this one when the run fails",
  ),
});
export type WorkflowNode = z.output<typeof WorkflowNodeSchema>;

export const WorkflowEdgeSchema = z.object({
  id: z.string().min(1).max(200),
  source: z.string().min(1),
  sourceHandle: z
    .string()
    .min(1)
    .nullish()
    .describe("Defaults to the source's only output handle"),
  target: z.string().min(1),
  targetHandle: z.string().min(1).nullish().describe("Defaults to `in`"),
});
export type WorkflowEdge = z.output<typeof WorkflowEdgeSchema>;

export const WorkflowSettingsSchema = z.object({
  retry: RetryPolicySchema.prefault({}),
  nodeTimeoutMs: z.number().int().min(1).max(86_400_000).default(300_000),
  runTimeoutMs: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Deadline measured from run.startedAt; none by default"),
  maxParallelism: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(20)
    .describe("Node steps executing at once in one run"),
});
export type WorkflowSettings = z.output<typeof WorkflowSettingsSchema>;

export const WorkflowDefinitionSchema = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  nodes: z.array(WorkflowNodeSchema).max(5_000),
  edges: z.array(WorkflowEdgeSchema).max(20_000).default([]),
  settings: WorkflowSettingsSchema.prefault({}),
});
/** A workflow version as stored (defaults applied). */
export type WorkflowDefinition = z.output<typeof WorkflowDefinitionSchema>;
/** A workflow version as written by the canvas or the API (defaults optional). */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinitionSchema>;
