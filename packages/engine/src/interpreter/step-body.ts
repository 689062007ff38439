import { z } from "zod";
import {
  EngineError,
  ErrorCodes,
  InvalidConfigError,
  NodeTimeoutError,
  RunCancelled,
  RunTimeoutError,
  serializeError,
} from "../errors";
import { evaluateCondition, evaluateExpression } from "../expressions/jsonata";
import { resolveTemplates } from "../expressions/template";
import { toJson, type Json } from "../json";
import {
  ERROR_HANDLE,
  type NodeLogger,
  type NodeResult,
  type NodeRunContext,
} from "../nodes/types";
import type { NodeInvocation, StepEnvelope } from "./node-runner";
import type { Run } from "./run";
import type { RNode } from "./runtime-plan";
import { stepClock } from "./step-clock";

/** Normalises and masks a node's output and checks the handles it chose. */
export function checkResult(
  run: Run,
  node: RNode,
  result: NodeResult,
): { output: Json; handles: string[] | null } {
  const output = run.masker.json(toJson(result.output));
  if (result.handles === undefined) return { output, handles: null };
  for (const handle of result.handles) {
    if (handle === ERROR_HANDLE || !node.declaredHandles.has(handle)) {
      throw new EngineError(
        ErrorCodes.invalidOutput,
        `node chose unknown output handle "${handle}"`,
      );
    }
  }
  return { output, handles: [...result.handles] };
}

function cancelled(run: Run): RunCancelled {
  return new RunCancelled(String(run.signal?.reason ?? "run cancelled"));
}

function failure(run: Run, startedAt: number, error: unknown): StepEnvelope {
  return {
    ok: false,
    error: run.masker.error(serializeError(error)),
    startedAt,
    durationMs: stepClock() - startedAt,
  };
}

/**
 * The body of a node's step: everything non-deterministic (templates, the
 * node's code, clocks) happens in here, and what it returns is journaled.
 */
export async function executeStep(
  run: Run,
  inv: NodeInvocation,
  stepId: string,
  attempt: number,
): Promise<StepEnvelope> {
  // A cancelled run must not journal a failure for the step it interrupted.
  if (run.signal?.aborted) throw cancelled(run);
  const { node } = inv;
  const startedAt = stepClock();
  if (run.observed) {
    run.emit({
      type: "node.started",
      nodeId: node.id,
      stepId,
      attempt,
      startedAt: new Date(startedAt).toISOString(),
      ...(inv.compensates === undefined
        ? {}
        : { compensates: inv.compensates }),
    });
  }
  const { deadline } = run;
  if (deadline !== null && startedAt >= deadline) {
    return failure(run, startedAt, new RunTimeoutError(run.runTimeoutMs));
  }
  const byDeadline =
    deadline !== null && deadline - startedAt < node.def.timeoutMs;
  const timeoutMs = byDeadline
    ? (deadline as number) - startedAt
    : node.def.timeoutMs;
  const abort = new StepAbort();
  const onRunAbort = run.signal ? () => abort.abort(cancelled(run)) : undefined;
  if (onRunAbort)
    run.signal?.addEventListener("abort", onRunAbort, { once: true });
  try {
    const result = await withTimeout(
      runNodeCode(run, inv, stepId, attempt, abort),
      timeoutMs,
      abort,
      () =>
        byDeadline
          ? new RunTimeoutError(run.runTimeoutMs)
          : new NodeTimeoutError(timeoutMs),
    );
    const { output, handles } = checkResult(run, node, result);
    return {
      ok: true,
      output,
      handles,
      startedAt,
      durationMs: stepClock() - startedAt,
    };
  } catch (error) {
    if (run.signal?.aborted) throw cancelled(run);
    return failure(run, startedAt, error);
  } finally {
    if (onRunAbort) run.signal?.removeEventListener("abort", onRunAbort);
  }
}

async function runNodeCode(
  run: Run,
  inv: NodeInvocation,
  stepId: string,
  attempt: number,
  abort: StepAbort,
): Promise<NodeResult> {
  const ctx = nodeContext(run, inv, stepId, attempt, abort);
  if (inv.node.def.hasTemplates)
    ctx.config = await resolveConfig(inv.node, ctx);
  return inv.node.type.run(ctx);
}

/** A node that ignores its signal still loses against its timeout or a cancellation. */
function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  abort: StepAbort,
  reason: () => EngineError,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => abort.abort(reason()), ms);
    abort.onAbort = (error) => {
      clearTimeout(timer);
      reject(error as Error);
    };
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}

/**
 * The step's AbortSignal, created only when a node reads it: most nodes never
 * do, and an AbortController per step is a measurable share of the overhead.
 */
class StepAbort {
  onAbort: ((reason: unknown) => void) | undefined;
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.onAbort?.(reason);
  }
}

class StepLogger implements NodeLogger {
  constructor(
    private readonly run: Run,
    private readonly nodeId: string,
    private readonly stepId: string,
  ) {}

  private log(
    level: "debug" | "info" | "warn" | "error",
    message: string,
    data: Json | undefined,
  ): void {
    const { run } = this;
    run.emit({
      type: "node.log",
      nodeId: this.nodeId,
      stepId: this.stepId,
      level,
      message: run.masker.string(message),
      data: data === undefined ? null : run.masker.json(toJson(data)),
      at: new Date().toISOString(),
    });
  }

  debug(message: string, data?: Json): void {
    this.log("debug", message, data);
  }
  info(message: string, data?: Json): void {
    this.log("info", message, data);
  }
  warn(message: string, data?: Json): void {
    this.log("warn", message, data);
  }
  error(message: string, data?: Json): void {
    this.log("error", message, data);
  }
}

/** The JSONata input: `trigger`, `nodes`, `run`, `vars`, `secrets`, `input`, `inputs`, `item`, `index`. */
export function expressionInput(
  run: Run,
  inv: NodeInvocation,
): Record<string, unknown> {
  return {
    trigger: run.input,
    nodes: inv.scope.nodes(),
    run: run.meta,
    vars: run.vars,
    secrets: run.secrets,
    input: inv.input,
    inputs: inv.inputs,
    item: inv.scope.item,
    index: inv.scope.index,
    ...inv.extra,
  };
}

class StepContext implements NodeRunContext<unknown> {
  config: unknown;
  readonly input: Json;
  readonly inputs: Readonly<Record<string, Json>>;
  readonly logger: NodeLogger;
  readonly nodeId: string;
  readonly baseStepId: string;
  readonly idempotencyKey: string;
  private exprInput: Record<string, unknown> | undefined;

  constructor(
    private readonly runState: Run,
    private readonly inv: NodeInvocation,
    readonly stepId: string,
    readonly attempt: number,
    private readonly abort: StepAbort,
  ) {
    this.config = inv.node.def.config;
    this.input = inv.input;
    this.inputs = inv.inputs;
    this.nodeId = inv.node.id;
    this.baseStepId = inv.baseStepId;
    this.logger = new StepLogger(runState, inv.node.id, stepId);
    this.idempotencyKey = `${runState.meta.originRunId ?? runState.meta.id}:${stepId}`;
  }

  get signal() {
    return this.abort.signal;
  }
  get run() {
    return this.runState.meta;
  }
  get network() {
    return this.runState.network;
  }
  get deadline() {
    return this.runState.deadline;
  }

  expressionInput(): Record<string, unknown> {
    return (this.exprInput ??= expressionInput(this.runState, this.inv));
  }

  evaluate(expression: string, bindings?: Record<string, Json>): Promise<Json> {
    return evaluateExpression(expression, this.expressionInput(), bindings);
  }

  test(expression: string, bindings?: Record<string, Json>): Promise<boolean> {
    return evaluateCondition(expression, this.expressionInput(), bindings);
  }
}

function nodeContext(
  run: Run,
  inv: NodeInvocation,
  stepId: string,
  attempt: number,
  abort: StepAbort,
): StepContext {
  return new StepContext(run, inv, stepId, attempt, abort);
}

async function resolveConfig(node: RNode, ctx: StepContext): Promise<unknown> {
  const resolved = await resolveTemplates(
    node.def.config,
    ctx.expressionInput(),
    node.rawPatterns,
  );
  const parsed = node.type.configSchema.safeParse(resolved);
  if (!parsed.success) {
    throw new InvalidConfigError(
      `config is invalid once its templates are resolved: ${z.prettifyError(parsed.error)}`,
      {
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.map(String),
          message: issue.message,
        })),
      },
    );
  }
  return parsed.data;
}
