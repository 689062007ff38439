import { EngineError, ErrorCodes } from "../errors";
import type { JsonObject } from "../json";

/** A response outside 2xx; 408, 429 and 5xx are worth retrying, other 4xx are not. */
export class HttpStatusError extends EngineError {
  readonly status: number;
  constructor(status: number, message: string, details: JsonObject) {
    super(ErrorCodes.httpStatus, message, {
      retryable: isRetryableStatus(status),
      details: { ...details, status },
    });
    this.status = status;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The request's own `timeoutMs` elapsed before the response was read. */
export class HttpTimeoutError extends EngineError {
  constructor(timeoutMs: number) {
    super(
      ErrorCodes.httpTimeout,
      `HTTP request timed out after ${timeoutMs} ms`,
      { retryable: true, details: { timeoutMs } },
    );
  }
}

/** The connection failed (refused, reset, DNS failure...). */
export class HttpRequestError extends EngineError {
  constructor(message: string, cause: unknown, retryable = true) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(ErrorCodes.httpRequest, message, {
      retryable,
      cause,
      details: typeof code === "string" ? { cause: code } : null,
    });
  }
}

/** The SSRF guard refused a destination (private, loopback, link-local, metadata...). */
export class SsrfBlockedError extends EngineError {
  constructor(host: string, address: string, range: string) {
    super(
      ErrorCodes.ssrfBlocked,
      `refusing to connect to ${host} (${address} is ${range}); a workspace admin can allow this host`,
      { retryable: false, details: { host, address, range } },
    );
  }
}
