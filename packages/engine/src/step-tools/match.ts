import type { Json, JsonObject } from "../json";

/**
 * JSON containment with PostgreSQL `jsonb @>` semantics, so the embedded driver
 * can push event matching into SQL and the in-memory tools agree with it:
 * objects match on a subset of keys, arrays when every pattern element is
 * contained in some target element, scalars by equality.
 */
export function containsJson(target: Json, pattern: Json): boolean {
  if (Array.isArray(pattern)) {
    return (
      Array.isArray(target) &&
      pattern.every((p) => target.some((t) => containsJson(t, p)))
    );
  }
  if (pattern !== null && typeof pattern === "object") {
    if (target === null || typeof target !== "object" || Array.isArray(target))
      return false;
    for (const key of Object.keys(pattern)) {
      if (!Object.prototype.hasOwnProperty.call(target, key)) return false;
      if (!containsJson(target[key] as Json, pattern[key] as Json))
        return false;
    }
    return true;
  }
  return target === pattern;
}

export function matchesEvent(
  payload: Json,
  match: JsonObject | undefined,
): boolean {
  return match === undefined || containsJson(payload, match);
}
