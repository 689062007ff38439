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

// The API routes echo the request id themselves; running the proxy for them
// would only add a second pass through Next's request pipeline to every
// webhook delivery and API call.
export const config = {
  matcher: ["/((?!api/(?:hooks|v1|trpc|health|inngest)(?:/|$)|_next/static|_next/image|favicon.ico).*)"],
};
