import { ZodError } from "zod";
import { AppError, errorStatus, fieldErrorsFromIssues, type ErrorCode } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { AppErrorWithExtensions, type ErrorExtensions } from "../services/errors";

const titles: Record<ErrorCode, string> = {
  BAD_REQUEST: "Bad request",
  UNAUTHORIZED: "Unauthorized",
  FORBIDDEN: "Forbidden",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict",
  PRECONDITION_FAILED: "Precondition failed",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  UNPROCESSABLE_CONTENT: "Validation failed",
  TOO_MANY_REQUESTS: "Too many requests",
  INTERNAL_SERVER_ERROR: "Internal server error",
  SERVICE_UNAVAILABLE: "Service unavailable",
};

const slugOf = (code: ErrorCode) => code.toLowerCase().replaceAll("_", "-");

/** A stable problem type per error code, documented on the API reference page. */
export function problemType(code: ErrorCode): string {
  return `/api/docs/problems#${slugOf(code)}`;
}

/** Every problem type the REST API answers with, for the reference page that documents them. */
export function problemCatalog(): { slug: string; status: number; title: string }[] {
  const fromCodes = (Object.keys(titles) as ErrorCode[]).map((code) => ({ slug: slugOf(code), status: errorStatus[code], title: titles[code] }));
  return [
    ...fromCodes,
    { slug: "precondition-required", status: 428, title: "Precondition required" },
    // Webhook ingress: the request's method is not the one the workflow's webhook trigger listens on.
    { slug: "method-not-allowed", status: 405, title: "Method not allowed" },
    // Result-mode webhook answers: the delivery was accepted, its run did not succeed.
    { slug: "run-failed", status: 500, title: "Run failed" },
    { slug: "run-cancelled", status: 409, title: "Run cancelled" },
  ].sort((a, b) => a.status - b.status);
}

/** The RFC 9457 body Trellis answers errors with. */
export interface Problem extends ErrorExtensions {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId: string;
  errors?: Record<string, string[]>;
}

/**
 * An answer that only HTTP has a word for, such as 428 Precondition Required:
 * the domain's error vocabulary (and so tRPC) never needs it.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly slug: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

/**
 * Any thrown value as an RFC 9457 problem, with the headers its answer needs
 * besides its content type and request id. Unknown errors become a generic
 * 500 whose detail stays in the log.
 */
export function problemFor(error: unknown, requestId: string, instance?: string): { body: Problem; headers: Record<string, string> } {
  if (error instanceof HttpProblem) {
    return {
      body: { type: `/api/docs/problems#${error.slug}`, title: error.title, status: error.status, detail: error.message, ...(instance ? { instance } : {}), requestId },
      headers: {},
    };
  }
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (error instanceof ZodError) {
    appError = new AppError("UNPROCESSABLE_CONTENT", "The request does not match the expected shape", {
      fieldErrors: fieldErrorsFromIssues(error.issues),
    });
  } else {
    logger().error({ err: error, requestId, instance }, "unhandled error in REST handler");
    appError = new AppError("INTERNAL_SERVER_ERROR", `Something went wrong. Quote request id ${requestId} when reporting it.`);
  }
  const body: Problem = {
    type: appError.details.type ?? problemType(appError.code),
    title: titles[appError.code],
    status: appError.status,
    detail: appError.message,
    ...(instance ? { instance } : {}),
    requestId,
    ...(appError.fieldErrors ? { errors: appError.fieldErrors } : {}),
    ...(appError instanceof AppErrorWithExtensions ? appError.extensions : {}),
  };
  return { body, headers: appError.code === "UNAUTHORIZED" ? { "www-authenticate": 'Bearer realm="trellis"' } : {} };
}

/** Any thrown value as an `application/problem+json` response (see `problemFor`). */
export function problemResponse(error: unknown, requestId: string, instance?: string, headers?: ConstructorParameters<typeof Headers>[0]): Response {
  const problem = problemFor(error, requestId, instance);
  const responseHeaders = new Headers(headers);
  for (const [name, value] of Object.entries(problem.headers)) responseHeaders.set(name, value);
  responseHeaders.set("content-type", "application/problem+json");
  responseHeaders.set("x-request-id", requestId);
  return new Response(JSON.stringify(problem.body), { status: problem.body.status, headers: responseHeaders });
}
