import { z } from "zod";
import {
  compile,
  CURRENT_SCHEMA_VERSION,
  defaultRegistry,
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
