/**
 * Trellis's one error vocabulary. Services throw these; each edge translates
 * them once (tRPC error formatter, REST problem+json helper). Nothing here
 * knows about tRPC, HTTP frameworks or Next.js.
 */
export const errorStatus = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** Field-level problems, keyed by a dotted path into the input. */
export type FieldErrors = Record<string, string[]>;

/** A failure the caller should see: a code, a message fit for people, and optional field errors. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fieldErrors?: FieldErrors; type?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "AppError";
  }

  get status(): number {
    return errorStatus[this.code];
  }

  get fieldErrors(): FieldErrors | undefined {
    return this.details.fieldErrors;
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);
export const conflict = (message: string, fieldErrors?: FieldErrors) =>
  new AppError("CONFLICT", message, { fieldErrors });
export const badRequest = (message: string, fieldErrors?: FieldErrors) =>
  new AppError("BAD_REQUEST", message, { fieldErrors });

/** Zod issues as field errors, so forms can show them beside their inputs. */
export function fieldErrorsFromIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
