import jsonata from "jsonata";
import { ExpressionError } from "../errors";
import type { Json } from "../json";
import { compileSubset, FALLBACK, type SubsetEvaluator } from "./jsonata-subset";

// Guardrails so a user's recursive expression cannot wedge a worker.
const OPTIONS = { timeout: 5_000, stack: 1_000 } as const;
const CACHE_LIMIT = 2_000;
const cache = new Map<string, jsonata.Expression>();
/** Each cached expression's synchronous evaluator (see jsonata-subset.ts), null when it is outside the subset. */
const subsets = new WeakMap<jsonata.Expression, SubsetEvaluator | null>();

interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
}

function failure(
  source: string,
  error: unknown,
  phase: "parse" | "evaluate",
): ExpressionError {
  const e = (error ?? {}) as JsonataFailure;
  const message = typeof e.message === "string" ? e.message : String(error);
  return new ExpressionError(
    `${phase === "parse" ? "invalid" : "failed to evaluate"} expression "${source}": ${message}`,
    {
      jsonataCode: e.code ?? null,
      position: typeof e.position === "number" ? e.position : null,
    },
  );
}

/** Parses (once; parsed expressions are cached) or throws an ExpressionError. */
export function compileExpression(source: string): jsonata.Expression {
  let expression = cache.get(source);
  if (expression) return expression;
  try {
    expression = jsonata(source, OPTIONS);
  } catch (error) {
    throw failure(source, error, "parse");
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(source, expression);
  subsets.set(expression, compileSubset(expression.ast()));
  return expression;
}

/** The expression's synchronous result, or FALLBACK when JSONata must evaluate it. */
function evaluateSynchronously(expression: jsonata.Expression, input: unknown, bindings?: Record<string, unknown>): unknown {
  const subset = subsets.get(expression);
  if (!subset) return FALLBACK;
  try {
    return subset(input, bindings);
  } catch {
    // A defect of the subset must not fail an expression JSONata evaluates.
    return FALLBACK;
  }
}

/** Returns the parse error's message, or null when the expression is valid. */
export function checkExpression(source: string): string | null {
  try {
    compileExpression(source);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Evaluates against `input` and returns plain JSON: JSONata yields sequences
 * and null-prototype objects that must not leak into journaled values.
 */
export async function evaluateExpression(
  source: string,
  input: unknown,
  bindings?: Record<string, unknown>,
): Promise<Json> {
  const expression = compileExpression(source);
  let result = evaluateSynchronously(expression, input, bindings);
  if (result === FALLBACK) {
    try {
      result = await expression.evaluate(input, bindings);
    } catch (error) {
      throw failure(source, error, "evaluate");
    }
  }
  if (result === undefined || typeof result === "function") return null;
  // Only arrays and objects need the copy; a primitive is already plain JSON (a non-finite number is null, as in JSON).
  if (typeof result === "string" || typeof result === "boolean" || result === null) return result;
  if (typeof result === "number") return Number.isFinite(result) ? result + 0 : null;
  return JSON.parse(JSON.stringify(result)) as Json;
}

const BOOLEAN = "$boolean($v)";

/** JSONata truthiness (empty arrays and strings are false), used by condition and switch. */
export async function evaluateCondition(
  source: string,
  input: unknown,
  bindings?: Record<string, unknown>,
): Promise<boolean> {
  const value = await evaluateExpression(source, input, bindings);
  // A comparison already gave a boolean; anything else takes JSONata's own truthiness.
  if (typeof value === "boolean") return value;
  return (await evaluateExpression(BOOLEAN, null, { v: value })) === true;
}
