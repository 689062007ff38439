import { NextResponse, type NextRequest } from "next/server";
import { requestIdFrom } from "@trellis/api/request-id";

/**
 * One request id per request: the caller's X-Request-ID when sane, else a new
 * one. Handlers read it from the request headers; the response echoes it.
 */
export function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
