import { toJson, type Json, type JsonObject } from "./json";

/** Stable codes carried by every engine error; callers branch on these, never on messages. */
export const ErrorCodes = {
  nodeError: "node_error",
  nonRetryable: "non_retryable",
  invalidConfig: "invalid_config",
  invalidInput: "invalid_input",
  invalidOutput: "invalid_output",
  expression: "expression_error",
  httpStatus: "http_status",
  httpTimeout: "http_timeout",
  httpRequest: "http_request_failed",
  ssrfBlocked: "ssrf_blocked",
  nodeTimeout: "node_timeout",
  runTimeout: "run_timeout",
  runCancelled: "run_cancelled",
  runPaused: "run_paused",
  invalidPlan: "invalid_plan",
  duplicateStepId: "duplicate_step_id",
  invokeFailed: "invoke_failed",
  invalidEvent: "invalid_event",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface EngineErrorOptions {
  retryable?: boolean;
  details?: JsonObject | null;
  cause?: unknown;
}

/** Base class of every error the engine raises; `retryable` drives the retry policy. */
export class EngineError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: JsonObject | null;

  constructor(code: string, message: string, options: EngineErrorOptions = {}) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? null;
  }
}

/** Thrown by node code for a failure that retrying cannot fix. */
export class NonRetryableError extends EngineError {
  constructor(
    message: string,
    options: Omit<EngineErrorOptions, "retryable"> & { code?: string } = {},
  ) {
    super(options.code ?? ErrorCodes.nonRetryable, message, {
      ...options,
      retryable: false,
    });
  }
}

/** A node's resolved config does not satisfy its schema (e.g. a template produced the wrong type). */
export class InvalidConfigError extends EngineError {
  constructor(message: string, details: JsonObject | null = null) {
    super(ErrorCodes.invalidConfig, message, { retryable: false, details });
  }
}

/** The run input or an event payload does not satisfy the schema it must follow. */
export class InvalidInputError extends EngineError {
  constructor(message: string, details: JsonObject | null = null) {
    super(ErrorCodes.invalidInput, message, { retryable: false, details });
  }
}

/** A JSONata expression or `{{ }}` template failed to parse or evaluate. */
export class ExpressionError extends EngineError {
  constructor(message: string, details: JsonObject | null = null) {
    super(ErrorCodes.expression, message, { retryable: false, details });
  }
}

/** A node attempt ran longer than its timeout. */
export class NodeTimeoutError extends EngineError {
  constructor(timeoutMs: number) {
    super(ErrorCodes.nodeTimeout, `node timed out after ${timeoutMs} ms`, {
      retryable: true,
      details: { timeoutMs },
    });
  }
}

/** The run passed its deadline (`settings.runTimeoutMs` after `run.startedAt`). */
export class RunTimeoutError extends EngineError {
  constructor(timeoutMs: number) {
    super(
      ErrorCodes.runTimeout,
      `run exceeded its timeout of ${timeoutMs} ms`,
      { retryable: false, details: { timeoutMs } },
    );
  }
}

/** Raised by the driver's control hook (or the run's AbortSignal) to stop a run; not a node failure. */
export class RunCancelled extends EngineError {
  constructor(reason = "run cancelled") {
    super(ErrorCodes.runCancelled, reason);
  }
}

/** Raised by the driver's control hook to park a run; the driver resumes it later by replaying. */
export class RunPaused extends EngineError {
  constructor(reason = "run paused") {
    super(ErrorCodes.runPaused, reason);
  }
}

/** The plan cannot be executed with this registry (unknown type, wrong plan version). */
export class PlanError extends EngineError {
  constructor(message: string) {
    super(ErrorCodes.invalidPlan, message);
  }
}

/** Two steps of one run asked for the same step id: replay would be ambiguous. */
export class DuplicateStepIdError extends EngineError {
  constructor(stepId: string) {
    super(
      ErrorCodes.duplicateStepId,
      `step id "${stepId}" was used twice in one run`,
      { details: { stepId } },
    );
  }
}

export function isRunInterruption(
  error: unknown,
): error is RunCancelled | RunPaused {
  return error instanceof RunCancelled || error instanceof RunPaused;
}

/** The journaled form of an error: what a replay sees instead of re-running the node. */
export type SerializedError = {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  details: JsonObject | null;
};

export function serializeError(error: unknown): SerializedError {
  if (error instanceof EngineError) {
    return {
      name: error.name,
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      details: error.details,
    };
  }
  if (error instanceof Error) {
    const sysCode = (error as { code?: unknown }).code;
    return {
      name: error.name,
      code: ErrorCodes.nodeError,
      message: error.message,
      retryable: true,
      details: typeof sysCode === "string" ? { cause: sysCode } : null,
    };
  }
  return {
    name: "Error",
    code: ErrorCodes.nodeError,
    message: describe(error),
    retryable: true,
    details: null,
  };
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(toJson(value));
  } catch {
    return String(value);
  }
}

/** Rebuilds an error from its journaled form so callers can use `instanceof EngineError`. */
export function deserializeError(error: SerializedError): EngineError {
  const restored = new EngineError(error.code, error.message, {
    retryable: error.retryable,
    details: error.details,
  });
  restored.name = error.name;
  return restored;
}

export function jsonDetails(details: Record<string, unknown>): JsonObject {
  return toJson(details) as JsonObject;
}

export type { Json };
