import { ExpressionError } from "../errors";
import type { Json, JsonObject } from "../json";
import { checkExpression, evaluateExpression } from "./jsonata";

export type JsonPath = (string | number)[];

export type TemplatePart =
  { kind: "text"; text: string } | { kind: "expression"; source: string };

const OPEN = "{{";

export function hasTemplate(value: string): boolean {
  return value.includes(OPEN);
}

/**
 * Splits `a {{ expr }} b` into parts. The scanner knows JSONata string
 * literals, comments and object braces, so `{{ {"a": {"b": 1}} }}` ends at the
 * right `}}`.
 */
export function parseTemplate(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < value.length) {
    const open = value.indexOf(OPEN, cursor);
    if (open < 0) break;
    if (open > cursor)
      parts.push({ kind: "text", text: value.slice(cursor, open) });
    const close = findClose(value, open + 2);
    if (close < 0)
      throw new ExpressionError(
        `unterminated "{{" at position ${open} in "${value}"`,
        { position: open },
      );
    const source = value.slice(open + 2, close).trim();
    if (source === "")
      throw new ExpressionError(`empty "{{ }}" at position ${open}`, {
        position: open,
      });
    parts.push({ kind: "expression", source });
    cursor = close + 2;
  }
  if (cursor < value.length)
    parts.push({ kind: "text", text: value.slice(cursor) });
  return parts;
}

function findClose(value: string, from: number): number {
  let depth = 0;
  for (let i = from; i < value.length; i++) {
    const c = value[i];
    if (c === '"' || c === "'" || c === "`") {
      i = skipQuoted(value, i, c);
      if (i < 0) return -1;
    } else if (c === "/" && value[i + 1] === "*") {
      const end = value.indexOf("*/", i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (c === "{") {
      depth++;
    } else if (c === "}") {
      if (depth === 0 && value[i + 1] === "}") return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

function skipQuoted(value: string, start: number, quote: string): number {
  for (let i = start + 1; i < value.length; i++) {
    if (value[i] === "\\" && quote !== "`") i++;
    else if (value[i] === quote) return i;
  }
  return -1;
}

/**
 * A template that is exactly one `{{ expr }}` yields the expression's JSON value
 * (so `"{{ trigger.items }}"` is an array); otherwise the parts are joined as text.
 */
export async function renderTemplate(
  value: string,
  input: unknown,
): Promise<Json> {
  const parts = parseTemplate(value);
  const [only] = parts;
  if (parts.length === 1 && only?.kind === "expression")
    return evaluateExpression(only.source, input);
  let text = "";
  for (const part of parts) {
    if (part.kind === "text") text += part.text;
    else text += stringify(await evaluateExpression(part.source, input));
  }
  return text;
}

function stringify(value: Json): string {
  if (value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Paths like `cases.*.expression` that hold raw JSONata and must not be treated as templates. */
export type PathPattern = readonly string[];

export function compilePathPatterns(
  patterns: readonly string[] = [],
): PathPattern[] {
  return patterns.map((p) => p.split("."));
}

function matches(patterns: readonly PathPattern[], path: JsonPath): boolean {
  return patterns.some(
    (p) =>
      p.length === path.length &&
      p.every((seg, i) => seg === "*" || seg === String(path[i])),
  );
}

/** Visits every string value outside the raw paths. */
function visitStrings(
  value: Json,
  raw: readonly PathPattern[],
  path: JsonPath,
  visit: (s: string, path: JsonPath) => void,
): void {
  if (typeof value === "string") {
    if (!matches(raw, path)) visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => visitStrings(item, raw, [...path, i], visit));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      visitStrings(item, raw, [...path, key], visit);
  }
}

export function containsTemplates(
  config: Json,
  raw: readonly PathPattern[],
): boolean {
  let found = false;
  visitStrings(config, raw, [], (s) => {
    found ||= hasTemplate(s);
  });
  return found;
}

export interface TemplateProblem {
  path: JsonPath;
  message: string;
}

/** Compile-time check of every template and raw expression in a config. */
export function checkConfigExpressions(
  config: Json,
  raw: readonly PathPattern[],
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  visitStrings(config, raw, [], (s, path) => {
    if (!hasTemplate(s)) return;
    try {
      for (const part of parseTemplate(s)) {
        if (part.kind !== "expression") continue;
        const message = checkExpression(part.source);
        if (message) problems.push({ path, message });
      }
    } catch (error) {
      problems.push({ path, message: (error as Error).message });
    }
  });
  visitRaw(config, raw, [], (source, path) => {
    const message = checkExpression(source);
    if (message) problems.push({ path, message });
  });
  return problems;
}

function visitRaw(
  value: Json,
  raw: readonly PathPattern[],
  path: JsonPath,
  visit: (s: string, path: JsonPath) => void,
): void {
  if (typeof value === "string") {
    if (matches(raw, path) && value.trim() !== "") visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => visitRaw(item, raw, [...path, i], visit));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      visitRaw(item, raw, [...path, key], visit);
  }
}

/** Resolves every template in a config (raw expression fields are left as written). */
export async function resolveTemplates(
  value: Json,
  input: unknown,
  raw: readonly PathPattern[],
  path: JsonPath = [],
): Promise<Json> {
  if (typeof value === "string") {
    return hasTemplate(value) && !matches(raw, path)
      ? renderTemplate(value, input)
      : value;
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (let i = 0; i < value.length; i++)
      out.push(
        await resolveTemplates(value[i] as Json, input, raw, [...path, i]),
      );
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value))
      out[key] = await resolveTemplates(item, input, raw, [...path, key]);
    return out;
  }
  return value;
}
