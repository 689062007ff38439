import { ZodError } from "zod";
import { AppError, fieldErrorsFromIssues, type ErrorCode } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";

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

/** A stable problem type per error code, documented on the API reference page. */
export function problemType(code: ErrorCode): string {
  return `/api/docs/problems#${code.toLowerCase().replaceAll("_", "-")}`;
}

/** The RFC 9457 body Trellis answers errors with. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId: string;
  errors?: Record<string, string[]>;
}

/**
 * Any thrown value as an `application/problem+json` response. Unknown errors
 * become a generic 500 whose detail stays in the log.
 */
export function problemResponse(error: unknown, requestId: string, instance?: string, headers?: ConstructorParameters<typeof Headers>[0]): Response {
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
  };
  const responseHeaders = new Headers(headers);
  responseHeaders.set("content-type", "application/problem+json");
  responseHeaders.set("x-request-id", requestId);
  if (appError.code === "UNAUTHORIZED") responseHeaders.set("www-authenticate", 'Bearer realm="trellis"');
  return new Response(JSON.stringify(body), { status: appError.status, headers: responseHeaders });
}
