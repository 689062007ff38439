/** A JSON value: everything that crosses a durable step must be one of these. */
export type Json =
  string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const MAX_DEPTH = 256;

/**
 * Converts a value to the JSON a driver would journal (JSON.stringify rules),
 * copying only the parts that change. A live run and its replay must see the
 * same values, so node outputs go through this before anything reads them.
 */
export function toJson(value: unknown): Json {
  const normalized = normalize(value, 0);
  return normalized === undefined ? null : normalized;
}

function normalize(value: unknown, depth: number): Json | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "bigint":
      throw new TypeError("a BigInt cannot be represented as JSON");
    default:
      break;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH)
    throw new TypeError("value nests too deeply (or is circular) to be JSON");
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function")
    return normalize(toJSON.call(value), depth + 1);
  if (Array.isArray(value)) return normalizeArray(value, depth);
  return normalizeObject(value as Record<string, unknown>, depth);
}

function normalizeArray(value: unknown[], depth: number): Json[] {
  // Arrays with extra own properties (JSONata sequences) or exotic prototypes are copied.
  let out: Json[] | undefined =
    Object.getPrototypeOf(value) === Array.prototype &&
    !Object.prototype.hasOwnProperty.call(value, "sequence")
      ? undefined
      : [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const normalized = normalize(item, depth + 1);
    const next = normalized === undefined ? null : normalized;
    if (out) out.push(next);
    else if (next !== item || !(i in value)) {
      out = value.slice(0, i) as Json[];
      out.push(next);
    }
  }
  return out ?? (value as Json[]);
}

function normalizeObject(
  value: Record<string, unknown>,
  depth: number,
): JsonObject {
  let out: JsonObject | undefined =
    Object.getPrototypeOf(value) === Object.prototype ? undefined : {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = value[key];
    const normalized = normalize(item, depth + 1);
    if (out) {
      if (normalized !== undefined) out[key] = normalized;
    } else if (normalized !== item) {
      out = {};
      for (let j = 0; j < i; j++) {
        const earlier = keys[j] as string;
        out[earlier] = value[earlier] as Json;
      }
      if (normalized !== undefined) out[key] = normalized;
    }
  }
  return out ?? (value as JsonObject);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
