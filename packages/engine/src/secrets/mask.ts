import type { SerializedError } from "../errors";
import type { Json, JsonObject } from "../json";

export const MASK = "***";

/** Replaces secret values wherever they could leave a step: outputs, errors, logs. */
export interface Masker {
  readonly active: boolean;
  string(value: string): string;
  json(value: Json): Json;
  error(error: SerializedError): SerializedError;
}

/**
 * Masks each secret's raw, URL-encoded and JSON-escaped forms (the shapes a
 * value takes in a URL, a query string or a serialized body). Longer secrets
 * are replaced first so one secret containing another is masked whole.
 */
export function createMasker(
  secrets: Readonly<Record<string, string>> | undefined,
): Masker {
  const needles = new Set<string>();
  for (const value of Object.values(secrets ?? {})) {
    if (typeof value !== "string" || value === "") continue;
    needles.add(value);
    needles.add(encodeURIComponent(value));
    needles.add(JSON.stringify(value).slice(1, -1));
  }
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  const active = ordered.length > 0;

  const maskString = (value: string): string => {
    let out = value;
    for (const needle of ordered)
      if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
  };

  const maskJson = (value: Json): Json => {
    if (typeof value === "string") return maskString(value);
    if (Array.isArray(value)) return value.map(maskJson);
    if (value !== null && typeof value === "object") {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value))
        out[maskString(key)] = maskJson(item);
      return out;
    }
    return value;
  };

  return {
    active,
    string: active ? maskString : (value) => value,
    json: active ? maskJson : (value) => value,
    error: active
      ? (error) => ({
          ...error,
          message: maskString(error.message),
          details:
            error.details === null
              ? null
              : (maskJson(error.details) as JsonObject),
        })
      : (error) => error,
  };
}
