import { compile, defaultRegistry, parseStepId, type ExecutionPlan, type Json, type NodeRegistry } from "@trellis/engine";
import { z } from "zod";
import { statement, type Sql } from "../sql/sql-client";

/** A published version compiled once: versions are immutable, so the plan never goes stale. */
export interface CompiledVersion {
  versionId: string;
  plan: ExecutionPlan;
  /** Checks a run input against the trigger's schema; null when the input is acceptable. */
  validateInput(input: Json): { path: string[]; message: string }[] | null;
  /**
   * Whether any node's configuration mentions `secrets`: runs of a version
   * that does not are not handed the workspace's secrets (nothing to decrypt,
   * nothing to read), and nothing of theirs can refer to one.
   */
  usesSecrets: boolean;
  /** The nodes whose type is pure (`NodeType.pure`): the embedded driver commits their results with a later step's. */
  pureNodeIds: ReadonlySet<string>;
  /**
   * Every node but the trigger is pure: a run of this version touches nothing
   * outside itself unless a node fails and waits to retry, so it may execute
   * before its run is created (see embedded/inline-execution.ts).
   */
  pureThroughout: boolean;
}

/**
 * Whether a step of a run of this version may be computed again instead of
 * read back: `input` for the trigger's step (a function of the run's input
 * and start time), `pure` for a pure node's step, null for any other. The
 * journal lets such results ride with a later commit, and inline execution
 * runs only such steps.
 */
export function replayableStep(compiled: Pick<CompiledVersion, "plan" | "pureNodeIds">, stepId: string): "input" | "pure" | null {
  if (stepId === compiled.plan.triggerId) return "input";
  if (compiled.pureNodeIds.size === 0) return null;
  const parsed = parseStepId(stepId);
  return parsed && parsed.kind === "run" && compiled.pureNodeIds.has(parsed.nodeId) ? "pure" : null;
}

/** A version whose definition no longer compiles (a node type was removed, say): its runs fail. */
export class VersionCompileError extends Error {
  constructor(
    readonly versionId: string,
    readonly problems: unknown[],
  ) {
    super(`workflow version ${versionId} does not compile`);
    this.name = "VersionCompileError";
  }
}

const selectDefinition = statement("select_version_definition", `SELECT definition FROM workflow_versions WHERE id = $1`);

function schemaValidator(schema: unknown, pick: (input: Json) => Json): CompiledVersion["validateInput"] {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return () => null;
  let zodSchema: z.ZodType;
  try {
    zodSchema = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    // The compiler rejects unusable schemas; one that slips through is left to the trigger node at run time.
    return () => null;
  }
  return (input) => {
    const result = zodSchema.safeParse(pick(input));
    return result.success ? null : result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
  };
}

/**
 * The trigger's own input schema: `inputSchema` of a manual trigger (the
 * input), `bodySchema` of a webhook trigger (the input's body). Validating at
 * start lets the API refuse a bad input instead of starting a run that fails.
 */
function inputValidator(plan: ExecutionPlan): CompiledVersion["validateInput"] {
  const trigger = plan.nodes[plan.triggerId];
  if (!trigger) return () => null;
  if (trigger.type === "trigger.manual") return schemaValidator(trigger.config.inputSchema, (input) => input);
  if (trigger.type === "trigger.webhook") {
    return schemaValidator(trigger.config.bodySchema, (input) =>
      input !== null && typeof input === "object" && !Array.isArray(input) ? (input.body ?? null) : null,
    );
  }
  return () => null;
}

/** Compiled versions by id, least recently used evicted; concurrent misses share one load. */
export class PlanCache {
  private readonly entries = new Map<string, Promise<CompiledVersion>>();

  constructor(
    private readonly registry: NodeRegistry = defaultRegistry(),
    private readonly capacity = 500,
  ) {}

  get(sql: Sql, versionId: string): Promise<CompiledVersion> {
    const cached = this.entries.get(versionId);
    if (cached) {
      this.entries.delete(versionId);
      this.entries.set(versionId, cached);
      return cached;
    }
    const loading = this.load(sql, versionId);
    this.entries.set(versionId, loading);
    loading.catch(() => {
      if (this.entries.get(versionId) === loading) this.entries.delete(versionId);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return loading;
  }

  private async load(sql: Sql, versionId: string): Promise<CompiledVersion> {
    const [row] = await sql.query<{ definition: unknown }>(selectDefinition, [versionId]);
    if (!row) throw new VersionCompileError(versionId, [{ message: "the version does not exist" }]);
    const result = compile(row.definition, this.registry);
    if (!result.ok) throw new VersionCompileError(versionId, result.problems);
    const usesSecrets = Object.values(result.plan.nodes).some((node) => JSON.stringify(node.config ?? null).includes("secrets"));
    const pureNodeIds = new Set(Object.values(result.plan.nodes).flatMap((node) => (this.registry.get(node.type)?.pure ? [node.id] : [])));
    const pureThroughout = Object.values(result.plan.nodes).every((node) => node.id === result.plan.triggerId || pureNodeIds.has(node.id));
    return { versionId, plan: result.plan, validateInput: inputValidator(result.plan), usesSecrets, pureNodeIds, pureThroughout };
  }
}

declare global {
  var __trellisPlanCache: PlanCache | undefined;
}

/** The process's cache for the built-in registry (shared by the worker and the lifecycle services). */
export function sharedPlanCache(): PlanCache {
  globalThis.__trellisPlanCache ??= new PlanCache();
  return globalThis.__trellisPlanCache;
}
