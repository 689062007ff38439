import { z } from "zod";
import {
  compile,
  CURRENT_SCHEMA_VERSION,
  defaultRegistry,
  nextScheduleTimes,
  ScheduleConfigSchema,
  WorkflowDefinitionSchema,
  type ExecutionPlan,
  type Problem,
  type WorkflowDefinition,
} from "@trellis/engine";
import { DefinitionProblemsError } from "./errors";

/**
 * A workflow definition as the API accepts and answers it: the engine's own
 * schema, so a draft is structurally valid when stored (it may still have
 * compiler problems until it is published).
 */
export const definitionSchema = WorkflowDefinitionSchema;

/** A compiler problem, as answers describe it. */
export const definitionProblemSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string().meta({ description: "Stable problem code, e.g. unknown_node_type, invalid_config, cycle" }),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional().meta({ description: "Into the node's config, or the edge" }),
});

/** What a new workflow starts with: one manual trigger, ready to publish. */
export function defaultDefinition(): WorkflowDefinition {
  return definitionSchema.parse({
    schemaVersion: CURRENT_SCHEMA_VERSION,
    nodes: [{ id: "trigger", type: "trigger.manual", name: "Start", position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  });
}

/** The definition as stored: jsonb holds the parsed form with the engine's defaults applied. */
export function storedDefinition(definition: WorkflowDefinition): Record<string, unknown> {
  return definition as unknown as Record<string, unknown>;
}

/**
 * A definition read back from the database. Rows were validated on the way
 * in; parsing again applies defaults an older engine did not write.
 */
export function loadedDefinition(stored: Record<string, unknown>): WorkflowDefinition {
  return definitionSchema.parse(stored);
}

/** Compiles a definition or throws UNPROCESSABLE_CONTENT with the compiler's problems. */
export function compileOrThrow(definition: unknown, action: string): { plan: ExecutionPlan; definition: WorkflowDefinition; warnings: Problem[] } {
  const result = compile(definition, defaultRegistry());
  if (!result.ok) {
    const errors = result.problems.filter((p) => p.severity === "error").length;
    throw new DefinitionProblemsError(`Cannot ${action}: the definition has ${errors} problem${errors === 1 ? "" : "s"}`, result.problems);
  }
  return { plan: result.plan, definition: result.definition, warnings: result.problems };
}

/** The compiler's problems without failing: for imports, which keep a draft that may still need work. */
export function definitionProblems(definition: unknown): Problem[] {
  return compile(definition, defaultRegistry()).problems;
}

export const checkDefinitionInput = z.object({
  definition: z.json().meta({ description: "A draft as the editor holds it; it need not be valid" }),
});

const SCHEDULE_SLOTS = 5;
export const scheduleCheckSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), times: z.array(z.string()).meta({ description: "The next fire times (ISO 8601)" }), timezone: z.string() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export const definitionCheckSchema = z.object({
  problems: z.array(definitionProblemSchema),
  schedules: z.record(z.string(), scheduleCheckSchema).meta({ description: "Per schedule trigger node: its next fire times, or why it has none" }),
});
export type DefinitionCheck = z.output<typeof definitionCheckSchema>;

/**
 * What the editor shows about a draft: the compiler's problems and the next
 * slots of its schedule triggers. On the server because the engine's registry
 * pulls Node built-ins (the HTTP node's DNS-checking SSRF guard) that have no
 * place in a browser bundle.
 */
export function checkDefinition(input: z.infer<typeof checkDefinitionInput>, now = new Date()): DefinitionCheck {
  const problems = compile(input.definition, defaultRegistry()).problems;
  const schedules: DefinitionCheck["schedules"] = {};
  const nodes = (input.definition as { nodes?: unknown } | null)?.nodes;
  for (const node of Array.isArray(nodes) ? (nodes as { id?: unknown; type?: unknown; config?: unknown }[]) : []) {
    if (node?.type !== "trigger.schedule" || typeof node.id !== "string") continue;
    const config = ScheduleConfigSchema.safeParse(node.config ?? {});
    if (!config.success) {
      schedules[node.id] = { ok: false, message: config.error.issues[0]?.message ?? "Invalid schedule" };
      continue;
    }
    try {
      const times = nextScheduleTimes(config.data, now, SCHEDULE_SLOTS).map((date) => date.toISOString());
      schedules[node.id] = { ok: true, times, timezone: config.data.timezone };
    } catch (error) {
      schedules[node.id] = { ok: false, message: error instanceof Error ? error.message : "Invalid schedule" };
    }
  }
  return { problems, schedules };
}
