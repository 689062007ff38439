import { AppError, type ErrorCode, type FieldErrors } from "@trellis/config/errors";
import type { Problem as DefinitionProblem } from "@trellis/engine";

/** Extra members an answer may carry: tRPC puts them in `error.data`, REST in the problem+json body. */
export interface ErrorExtensions {
  /** Compiler problems of a definition that could not be published or tested. */
  problems?: DefinitionProblem[];
  /** The resource's current revision, after a stale `expectedRevision` / `If-Match`. */
  currentRevision?: number;
}

/** An AppError whose answer carries extension members (RFC 9457 §3.2). */
export class AppErrorWithExtensions extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly extensions: ErrorExtensions,
    details: { fieldErrors?: FieldErrors; type?: string; cause?: unknown } = {},
  ) {
    super(code, message, details);
  }
}

/**
 * Someone saved the resource since the caller read it. tRPC answers CONFLICT;
 * the REST adapter answers 412 because there the revision came from If-Match.
 */
export class StaleRevisionError extends AppErrorWithExtensions {
  constructor(what: string, currentRevision: number) {
    super("CONFLICT", `${what} was changed by someone else (now at revision ${currentRevision}); reload it and apply your change again`, {
      currentRevision,
    });
  }
}

/** A definition the compiler refuses, with the problems the editor can pin to nodes and edges. */
export class DefinitionProblemsError extends AppErrorWithExtensions {
  constructor(message: string, problems: DefinitionProblem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super("UNPROCESSABLE_CONTENT", message, { problems }, { fieldErrors: fieldErrorsFromProblems(errors) });
  }
}

/**
 * Problems keyed like form field errors, for clients that only read those:
 * `nodes.<id>.<path>`, `edges.<id>.<path>`, or `definition` for the whole.
 */
export function fieldErrorsFromProblems(problems: readonly DefinitionProblem[]): FieldErrors {
  const out: FieldErrors = {};
  for (const problem of problems) {
    const path = problem.path ?? [];
    let key: string;
    if (problem.edgeId !== undefined) key = ["edges", problem.edgeId, ...path].join(".");
    else if (problem.nodeId !== undefined && problem.code !== "invalid_definition") key = ["nodes", problem.nodeId, ...path].join(".");
    else if (path.length > 0) key = path.join(".");
    else key = "definition";
    (out[key] ??= []).push(problem.message);
  }
  return out;
}
