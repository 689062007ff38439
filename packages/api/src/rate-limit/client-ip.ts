/**
 * The client address a per-IP limit is keyed by. The LAST X-Forwarded-For
 * entry is the one the nearest proxy (or Next.js's own server, which sets the
 * header from the socket when the client did not) appended, so a client
 * cannot choose its key by sending its own header; leftmost entries can be
 * anything. Behind several proxies the key is the innermost proxy's view.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  if (last) return last;
  return headers.get("x-real-ip")?.trim() || "unknown";
}
