/**
 * The parts of a delivery that reach the log and the run: headers and query
 * parameters without credentials, the body as the workflow reads it.
 */

export const REDACTED = "[redacted]";

// Headers that carry credentials or signatures by name, plus any whose name says so.
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "stripe-signature",
  "webhook-signature",
  "x-hub-signature",
  "x-hub-signature-256",
  "x-trellis-signature",
]);
const SECRET_NAME = /auth|token|secret|signature|hmac|password|passwd|api[-_]?key|session|credential|cookie/i;

/** What ingress reads of a request's headers: a web `Headers`, or a lighter view of a Node.js request's. */
export interface HeaderReader {
  /** The value of a header (names are case-insensitive), repeated ones joined; null when absent. */
  get(name: string): string | null;
  /** Every header, its name lower-cased. */
  forEach(callback: (value: string, name: string) => void): void;
}

/** Headers as a plain object, the value of every credential-bearing one replaced. */
export function redactHeaders(headers: HeaderReader, extraSecretHeaders: readonly string[] = []): Record<string, string> {
  const extra = new Set(extraSecretHeaders.map((name) => name.toLowerCase()));
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name) || extra.has(name) || SECRET_NAME.test(name) ? REDACTED : value;
  });
  return out;
}

/** Query parameters (the last of repeated ones), credentials replaced: senders put tokens there too. */
export function redactQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  params.forEach((value, name) => {
    out[name] = SECRET_NAME.test(name) || /^(key|sig|code)$/i.test(name) ? REDACTED : value;
  });
  return out;
}

/** The media type of a Content-Type header, lower-cased, parameters dropped; null when absent. */
export function mediaTypeOf(contentType: string | null): string | null {
  if (!contentType) return null;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "" ? null : type;
}

/** Whether a media type is allowed by a list of types, `type/*` and `*\/*` wildcards. */
export function contentTypeAllowed(mediaType: string | null, allowed: readonly string[]): boolean {
  if (allowed.includes("*/*")) return true;
  if (mediaType === null) return false;
  const [major] = mediaType.split("/");
  return allowed.some((entry) => entry === mediaType || entry === `${major}/*`);
}

export const isJsonMediaType = (mediaType: string | null) => mediaType !== null && /^application\/([a-z0-9.+-]*\+)?json$/.test(mediaType);

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether PostgreSQL can store a value as jsonb / text: it refuses the NUL
 * character and unpaired surrogates (`"\ud800"` parses in JavaScript), so a
 * delivery carrying either is refused up front instead of failing its insert.
 */
export function storable(value: unknown): boolean {
  if (typeof value === "string") return !value.includes("\u0000") && !UNPAIRED_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(storable);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([key, item]) => storable(key) && storable(item));
  }
  return true;
}
