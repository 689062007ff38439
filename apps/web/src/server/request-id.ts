import "server-only";
import { headers } from "next/headers";
import { requestIdFrom } from "@trellis/api/rest";

/** This request's id, as the proxy set it. */
export async function currentRequestId(): Promise<string> {
  return requestIdFrom(await headers());
}
