import { randomUUID } from "node:crypto";

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-ID when it is sane, else a fresh one. */
export function requestIdFrom(headers: Pick<Headers, "get">): string {
  const incoming = headers.get("x-request-id");
  return incoming && VALID.test(incoming) ? incoming : randomUUID();
}
