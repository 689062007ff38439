import { requestIdFrom } from "@trellis/api/rest";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. */
export function GET(request: Request) {
  return Response.json({ status: "ok" }, { headers: { "x-request-id": requestIdFrom(request.headers), "cache-control": "no-store" } });
}
