import type { z } from "zod";
import type { NetworkPolicy, RunMetadata } from "../context";
import type { Json } from "../json";
import type {
  InvokeOptions,
  SleepOptions,
  WaitForEventOptions,
} from "../step-tools/types";

export type NodeCategory =
  "trigger" | "action" | "logic" | "flow" | "data" | "utility";

export interface HandleSpec {
  id: string;
  label: string;
  description?: string;
}

/** Every non-trigger node has this output; it is taken only when `continueOnFail` catches a failure. */
export const ERROR_HANDLE = "error";
export const DEFAULT_INPUT = "in";

export interface NodeResult {
  output: Json;
  /** Output handles whose edges are taken; omitted means every handle except `error`. */
  handles?: readonly string[];
}

export interface NodeLogger {
  debug(message: string, data?: Json): void;
  info(message: string, data?: Json): void;
  warn(message: string, data?: Json): void;
  error(message: string, data?: Json): void;
}

/** What a node's `run` receives; it runs inside one durable step. */
export interface NodeRunContext<C> {
  /** Config with every `{{ }}` template resolved and validated against the schema. */
  config: C;
  /** Output of the first live predecessor (by edge order); the run input for triggers. */
  input: Json;
  /** Outputs of every live predecessor, by node id. */
  inputs: Readonly<Record<string, Json>>;
  /** Aborted on node timeout and run cancellation. */
  signal: AbortSignal;
  logger: NodeLogger;
  nodeId: string;
  /** This attempt's step id (`<base>` or `<base>#<n>`). */
  stepId: string;
  baseStepId: string;
  attempt: number;
  run: RunMetadata;
  network: NetworkPolicy;
  /** `<runId>:<stepId>`: stable across a crashed attempt's re-execution, fresh per retry. */
  idempotencyKey: string;
  /** Epoch ms after which the run times out, or null. */
  deadline: number | null;
  /** Evaluates raw JSONata against the run context (`trigger`, `nodes`, `run`, `vars`, `secrets`, `input`, `item`, `index`). */
  evaluate(expression: string, bindings?: Record<string, Json>): Promise<Json>;
  /** Same, reduced to JSONata truthiness. */
  test(expression: string, bindings?: Record<string, Json>): Promise<boolean>;
}

/**
 * The part of delay / wait / approval / invoke that happens outside `tools.run`.
 * It must be deterministic: it sees only the journaled output of `run` and the
 * journaled results of these calls.
 */
export interface DurableContext {
  prepared: Json;
  nodeId: string;
  stepId: string;
  baseStepId: string;
  attempt: number;
  run: RunMetadata;
  sleep(options: SleepOptions): Promise<void>;
  waitForEvent(options: WaitForEventOptions): Promise<Json | null>;
  invoke(options: InvokeOptions): Promise<Json>;
}

export interface SplitterRole<C> {
  kind: "splitter";
  maxParallel(config: C): number;
}

export interface CollectorRole {
  kind: "collector";
}

/** A node type: the public descriptor fields plus its server-side handlers. */
export interface NodeType<C = unknown> {
  type: string;
  title: string;
  category: NodeCategory;
  description: string;
  /** An icon name from the canvas icon set (lucide). */
  icon: string;
  inputs: readonly HandleSpec[];
  outputs: readonly HandleSpec[];
  /** For types whose outputs depend on config: what the canvas should say about them. */
  dynamicOutputs?: string;
  outputsFor?(config: C): readonly HandleSpec[];
  configSchema: z.ZodType<C>;
  outputSchema: z.ZodType;
  /** Dotted config paths (`*` matches any key) holding raw JSONata instead of `{{ }}` templates. */
  expressionFields?: readonly string[];
  role?: SplitterRole<C> | CollectorRole;
  /**
   * Running it touches nothing outside the run (no network, no durable
   * calls): computing it again after a crash is unobservable as long as
   * neither its result nor anything that used it was committed. A driver may
   * then commit its result with a later step's instead of on its own (the
   * embedded driver does; see packages/runtime/ARCHITECTURE.md).
   */
  pure?: boolean;
  run(ctx: NodeRunContext<C>): Promise<NodeResult>;
  durable?(ctx: DurableContext): Promise<NodeResult>;
}

/** Identity helper that infers the config type from `configSchema`. */
export function defineNode<C>(type: NodeType<C>): NodeType<C> {
  return type;
}

export const IN: readonly HandleSpec[] = [{ id: DEFAULT_INPUT, label: "In" }];
export const OUT: readonly HandleSpec[] = [{ id: "out", label: "Out" }];
