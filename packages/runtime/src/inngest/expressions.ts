import type { Json, JsonObject } from "@trellis/engine";

// Inngest matches `waitForEvent` and `cancelOn` with CEL expressions over the
// waiting run's trigger (`event`) and the incoming event (`async`). These
// build them. Every value that reaches an expression — including event names
// and match values rendered from a run's own input — goes through `celValue`,
// so data can never change an expression's structure.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A CEL string literal. JSON's escapes (\" \\ \n \uXXXX …) are all valid CEL escapes. */
export function celString(value: string): string {
  // Lone surrogates would become \uD8xx escapes, which CEL rejects; they cannot match a well-formed event anyway.
  return JSON.stringify(value.replace(LONE_SURROGATE, "\uFFFD"));
}

/**
 * A CEL literal for a JSON scalar. Numbers are written as doubles: Inngest
 * decodes JSON event payloads into doubles, and CEL compares int and double
 * literals with different rules across versions.
 */
export function celValue(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "string") return celString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Conditions under which the JSON at `path` contains `pattern`, with
 * PostgreSQL `jsonb @>` semantics (the engine's `containsJson`): objects by a
 * subset of keys, arrays when every pattern element is contained in some
 * element, scalars by equality. A missing key is a CEL error, which Inngest
 * treats as no match — as containment requires. Arrays are checked to be
 * lists first, because CEL's `in` and `exists` also range over a map's keys.
 */
export function containmentConditions(path: string, pattern: Json, depth = 0): string[] {
  if (Array.isArray(pattern)) {
    return [
      `type(${path}) == list`,
      ...pattern.map((element) => {
        if (element === null || typeof element !== "object") return `${celValue(element)} in ${path}`;
        const variable = `x${depth}`;
        return `${path}.exists(${variable}, ${containmentConditions(variable, element, depth + 1).join(" && ")})`;
      }),
    ];
  }
  if (pattern !== null && typeof pattern === "object") {
    const entries = Object.entries(pattern);
    // Keyed access fails on anything but a map, so only an empty pattern needs the type spelled out.
    if (entries.length === 0) return [`type(${path}) == map`];
    return entries.flatMap(([key, value]) => containmentConditions(`${path}[${celString(key)}]`, value, depth));
  }
  return [`${path} == ${celValue(pattern)}`];
}

/**
 * The `if` of a run's `step.waitForEvent`: a `trellis/run.event` of its
 * workspace, with the event name the engine waits for, not addressed to
 * another run, whose payload contains `match`.
 */
export function waitExpression(options: { workspaceId: string; runId: string; event: string; match?: JsonObject }): string {
  return [
    `async.data.workspaceId == ${celString(options.workspaceId)}`,
    `async.data.name == ${celString(options.event)}`,
    `(async.data.runId == "" || async.data.runId == ${celString(options.runId)})`,
    // No match means any payload (the engine's matchesEvent), not "an object".
    ...(options.match === undefined ? [] : containmentConditions("async.data.payload", options.match)),
  ].join(" && ");
}

/** The `if` of a wait for a signal addressed to one run (its resume event). */
export function runSignalExpression(runId: string): string {
  return `async.data.runId == ${celString(runId)}`;
}

/** The `if` of a wait for room in a workflow's concurrency limit: a slot of that workflow was freed. */
export function slotExpression(workflowId: string): string {
  return `async.data.workflowId == ${celString(workflowId)}`;
}

/** `cancelOn`'s `if`: the cancel event names the run this function run executes. */
export const CANCEL_EXPRESSION = "async.data.runId == event.data.runId";
