import type jsonata from "jsonata";

/**
 * Synchronous evaluation of the common subset of JSONata, over the AST
 * JSONata's own parser produced.
 *
 * Why: JSONata 2 evaluates every node of an expression as an async function,
 * which costs dozens of promises per evaluation; with AsyncLocalStorage
 * enabled (Next.js enables several in the server process) every promise also
 * runs the async-context hooks. A webhook run of three small expressions cost
 * about 80 µs that way, most of a request's engine time. The expressions
 * workflows use most (paths into the context, literals, object and array
 * constructors, arithmetic, comparisons, conditions, a few aggregate
 * functions) evaluate here synchronously instead, in a few microseconds.
 *
 * JSONata stays the language and the reference: an expression with anything
 * outside the subset is never compiled here, and an evaluation that meets
 * anything the subset does not cover exactly (a type mismatch JSONata
 * reports as an error, deep equality of structures, a non-finite number…)
 * gives up with `FALLBACK`; the caller then evaluates with JSONata, which
 * gives the result or the error it always gave. jsonata-subset.test.ts
 * checks the two agree on generated expressions and inputs.
 */

/** What an evaluation returns when JSONata must evaluate the expression instead. */
export const FALLBACK: unique symbol = Symbol("jsonata-subset fallback");

export type SubsetEvaluator = (input: unknown, bindings?: Readonly<Record<string, unknown>>) => unknown;

/** A node of JSONata's AST (its declared type omits some node types, `path` among them). */
type Node = { type: string } & Record<string, unknown>;
type Bindings = Readonly<Record<string, unknown>> | undefined;
/** Evaluates one node against the root input (the subset never changes the context). */
type Compiled = (input: unknown, bindings: Bindings) => unknown;

/** Thrown to give up on an evaluation; the evaluator `compileSubset` returns turns it into `FALLBACK`. */
const GIVE_UP: unique symbol = Symbol("give up");
/** Thrown while compiling: the AST has something outside the subset. */
class OutsideSubset extends Error {}

const hasOwn = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

function giveUp(): never {
  throw GIVE_UP;
}

/** JSONata treats these as functions wherever it meets them; the subset leaves them to JSONata. */
function isFunctionLike(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (value === null || typeof value !== "object") return false;
  const tagged = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return tagged._jsonata_function === true || tagged._jsonata_lambda === true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every own key of `node` is one of `keys` (a node with predicates, stages, grouping… is outside the subset). */
function only(node: Node, keys: readonly string[]): void {
  for (const key of Object.keys(node)) if (key !== "type" && key !== "position" && !keys.includes(key)) throw new OutsideSubset(key);
}

// ---------------------------------------------------------------------------
// Values (as JSONata's own functions treat them)

/** JSONata's effective boolean value (`$boolean`); undefined stays undefined. */
function booleanOf(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (isFunctionLike(value)) giveUp();
  if (Array.isArray(value)) {
    if (value.length === 1) return booleanOf(value[0]) === true;
    return value.some((item) => booleanOf(item) === true);
  }
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return finite(value) !== 0;
  if (typeof value === "boolean") return value;
  if (value === null) return false;
  return Object.keys(value as object).length > 0;
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : giveUp();
}

/** `$string` of a primitive (structures are left to JSONata). */
function stringOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number") return JSON.stringify(Number.isInteger(finite(value)) ? value : Number(value.toPrecision(15)));
  if (typeof value === "boolean" || value === null) return String(value);
  return giveUp();
}

/** An `a<n>` argument: an array of numbers (a number is one), undefined passes. */
function numbers(value: unknown): readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return [finite(value)];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "number" && Number.isFinite(item))) giveUp();
  return value as number[];
}

/** An `a<o>` argument: an array of objects (an object is one), undefined passes. */
function objects(value: unknown): readonly Record<string, unknown>[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => isObject(item) && !isFunctionLike(item))) giveUp();
  return list as Record<string, unknown>[];
}

function text(value: unknown): string | undefined {
  return value === undefined ? undefined : typeof value === "string" ? value : giveUp();
}

/** Added in order, as JSONata adds them (so rounding matches). */
function total(list: readonly number[]): number {
  let sum = 0;
  for (const n of list) sum += n;
  return sum;
}

/** The built-in functions of the subset, each as JSONata defines it for one argument. */
const FUNCTIONS: Record<string, (arg: unknown) => unknown> = {
  sum: (arg) => {
    const list = numbers(arg);
    return list === undefined ? undefined : finite(total(list));
  },
  count: (arg) => (isFunctionLike(arg) ? giveUp() : arg === undefined ? 0 : Array.isArray(arg) ? arg.length : 1),
  max: (arg) => {
    const list = numbers(arg);
    return list === undefined || list.length === 0 ? undefined : Math.max(...list);
  },
  min: (arg) => {
    const list = numbers(arg);
    return list === undefined || list.length === 0 ? undefined : Math.min(...list);
  },
  average: (arg) => {
    const list = numbers(arg);
    return list === undefined || list.length === 0 ? undefined : finite(total(list) / list.length);
  },
  merge: (arg) => {
    const list = objects(arg);
    if (list === undefined) return undefined;
    // Null prototype, as JSONata's: "__proto__" is a key like any other.
    const merged: Record<string, unknown> = Object.create(null);
    for (const object of list) for (const key of Object.keys(object)) merged[key] = object[key];
    return merged;
  },
  boolean: booleanOf,
  not: (arg) => {
    const value = booleanOf(arg);
    return value === undefined ? undefined : !value;
  },
  exists: (arg) => (isFunctionLike(arg) ? giveUp() : arg !== undefined),
  string: stringOf,
  length: (arg) => {
    const value = text(arg);
    if (value === undefined) return undefined;
    let length = 0;
    for (const _ of value) length++;
    return length;
  },
  uppercase: (arg) => text(arg)?.toUpperCase(),
  lowercase: (arg) => text(arg)?.toLowerCase(),
};

// ---------------------------------------------------------------------------
// Compiling the AST to closures

function variable(name: string): Compiled {
  // `$` is the context and `$$` the root: the same value in the subset, whose context is always the root.
  if (name === "" || name === "$") return (input) => input;
  return (_input, bindings) => {
    if (bindings === undefined || !hasOwn(bindings, name)) return giveUp();
    const value = bindings[name];
    return isFunctionLike(value) ? giveUp() : value;
  };
}

/** A name looked up in an object: its own property's value. */
function field(item: unknown, name: string): unknown {
  if (item === null || typeof item !== "object") return undefined;
  if (isFunctionLike(item)) giveUp();
  if (!hasOwn(item, name)) return undefined;
  const value = (item as Record<string, unknown>)[name];
  return isFunctionLike(value) ? giveUp() : value;
}

/** A name looked up in an array: the sequence of its items' values, arrays among them spliced in (JSONata's `lookup`). */
function fieldOfEach(items: readonly unknown[], name: string): unknown[] {
  const sequence: unknown[] = [];
  for (const item of items) {
    const value = Array.isArray(item) ? fieldOfEach(item, name) : field(item, name);
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const element of value) sequence.push(element);
    else sequence.push(value);
  }
  return sequence;
}

/** A sequence as JSONata gives it: nothing when empty, its item when it has one. */
function unwrap(sequence: unknown[]): unknown {
  return sequence.length === 0 ? undefined : sequence.length === 1 ? sequence[0] : sequence;
}

/**
 * A path of names (the first may be a variable), as JSONata evaluates it:
 * each step looks the name up in every item of the sequence so far, arrays
 * are spliced into the next sequence, and an array that is the last step's
 * only value is returned as it is (so `a` of `{"a": [1]}` is `[1]`, not 1).
 */
function path(node: Node): Compiled {
  only(node, ["steps"]);
  const steps = node.steps as Node[];
  if (!Array.isArray(steps) || steps.length === 0) throw new OutsideSubset("path");
  let start: Compiled | null = null;
  const names: string[] = [];
  steps.forEach((step, i) => {
    only(step, ["value"]);
    if (i === 0 && step.type === "variable") start = variable(String(step.value));
    else if (step.type === "name" && typeof step.value === "string") names.push(step.value);
    else throw new OutsideSubset(`path step ${step.type}`);
  });
  const first = start as Compiled | null;
  const last = names.length - 1;
  return (input, bindings) => {
    let sequence: readonly unknown[];
    if (first) {
      const value = first(input, bindings);
      if (value === undefined || last < 0) return value;
      sequence = Array.isArray(value) ? value : [value];
    } else {
      sequence = [input];
    }
    for (let i = 0; i <= last; i++) {
      const name = names[i] as string;
      const values: unknown[] = [];
      for (const item of sequence) {
        const value = Array.isArray(item) ? unwrap(fieldOfEach(item, name)) : field(item, name);
        if (value !== undefined) values.push(value);
      }
      if (i === last && values.length === 1 && Array.isArray(values[0])) return values[0];
      const next: unknown[] = [];
      for (const value of values) {
        if (Array.isArray(value)) for (const element of value) next.push(element);
        else next.push(value);
      }
      if (next.length === 0) return undefined;
      sequence = next;
    }
    return unwrap(sequence as unknown[]);
  };
}

/** JSONata's array constructor: an item that is itself a constructor nests; any other array item is spliced in. */
function arrayConstructor(node: Node): Compiled {
  only(node, ["value", "expressions"]);
  const items = (node.expressions as Node[]).map((item) => ({ nested: item.type === "unary" && item.value === "[", evaluate: compile(item) }));
  return (input, bindings) => {
    const result: unknown[] = [];
    for (const item of items) {
      const value = item.evaluate(input, bindings);
      if (value === undefined) continue;
      if (Array.isArray(value) && !item.nested) for (const element of value) result.push(element);
      else result.push(value);
    }
    return result;
  };
}

/** JSONata's object constructor over a single context: string keys, undefined values left out. */
function objectConstructor(node: Node): Compiled {
  only(node, ["value", "lhs"]);
  const pairs = (node.lhs as [Node, Node][]).map(([key, value]) => [compile(key), compile(value)] as const);
  return (input, bindings) => {
    const names: (string | undefined)[] = [];
    for (const [key] of pairs) {
      const name = key(input, bindings);
      // Not a string, a reserved name, or one key from two pairs: JSONata's errors (T1003, D1013, D1009).
      if (name !== undefined && (typeof name !== "string" || name === "_jsonata_lambda" || name === "_jsonata_function" || names.includes(name))) giveUp();
      names.push(name as string | undefined);
    }
    // Null prototype, as JSONata's: "__proto__" is a key like any other.
    const result: Record<string, unknown> = Object.create(null);
    pairs.forEach(([, value], i) => {
      const name = names[i];
      if (name === undefined) return;
      const evaluated = value(input, bindings);
      if (evaluated !== undefined) result[name] = evaluated;
    });
    return result;
  };
}

function arithmetic(op: string, lhs: Compiled, rhs: Compiled): Compiled {
  const apply = {
    "+": (a: number, b: number) => a + b,
    "-": (a: number, b: number) => a - b,
    "*": (a: number, b: number) => a * b,
    "/": (a: number, b: number) => a / b,
    "%": (a: number, b: number) => a % b,
  }[op] as (a: number, b: number) => number;
  return (input, bindings) => {
    const a = lhs(input, bindings);
    const b = rhs(input, bindings);
    // A defined operand that is not a finite number is JSONata's error (T2001, T2002, D1001).
    if ((a !== undefined && (typeof a !== "number" || !Number.isFinite(a))) || (b !== undefined && (typeof b !== "number" || !Number.isFinite(b)))) giveUp();
    if (a === undefined || b === undefined) return undefined;
    return finite(apply(a as number, b as number));
  };
}

const isPrimitive = (value: unknown) => value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";

function binary(node: Node): Compiled {
  only(node, ["value", "lhs", "rhs"]);
  const op = node.value as string;
  const lhs = compile(node.lhs as Node);
  const rhs = compile(node.rhs as Node);
  switch (op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(op, lhs, rhs);
    case "=":
    case "!=":
      return (input, bindings) => {
        const a = lhs(input, bindings);
        const b = rhs(input, bindings);
        if (a === undefined || b === undefined) return false;
        // Structures compare deeply in JSONata: left to it.
        if (!isPrimitive(a) || !isPrimitive(b)) giveUp();
        return op === "=" ? a === b : a !== b;
      };
    case "<":
    case "<=":
    case ">":
    case ">=":
      return (input, bindings) => {
        const a = lhs(input, bindings);
        const b = rhs(input, bindings);
        const comparable = (v: unknown) => v === undefined || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
        if (!comparable(a) || !comparable(b)) giveUp();
        if (a === undefined || b === undefined) return undefined;
        if (typeof a !== typeof b) giveUp();
        const [x, y] = [a as number | string, b as number | string];
        return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
      };
    case "and":
      return (input, bindings) => booleanOf(lhs(input, bindings)) === true && booleanOf(rhs(input, bindings)) === true;
    case "or":
      return (input, bindings) => booleanOf(lhs(input, bindings)) === true || booleanOf(rhs(input, bindings)) === true;
    case "&":
      return (input, bindings) => (stringOf(lhs(input, bindings)) ?? "") + (stringOf(rhs(input, bindings)) ?? "");
    default:
      throw new OutsideSubset(`operator ${op}`);
  }
}

function call(node: Node): Compiled {
  only(node, ["value", "name", "procedure", "arguments"]);
  if (node.name !== undefined) throw new OutsideSubset("named function");
  const procedure = node.procedure as Node;
  const args = node.arguments as Node[];
  only(procedure, ["value"]);
  const name = procedure.value as string;
  const fn = procedure.type === "variable" && node.value === "(" && hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  // One argument: the subset does not substitute the context for a missing one.
  if (!fn || args.length !== 1) throw new OutsideSubset(`function ${name}`);
  const arg = compile(args[0] as Node);
  return (input, bindings) => {
    // A binding of the same name shadows the built-in.
    if (bindings !== undefined && hasOwn(bindings, name)) giveUp();
    return fn(arg(input, bindings));
  };
}

/**
 * Nesting beyond which compiling gives up: JSONata fails deep evaluations
 * (its `stack` guardrail, U1001), which the subset must not turn into results.
 */
const MAX_DEPTH = 200;
let depth = 0;

function compile(node: Node): Compiled {
  if (++depth > MAX_DEPTH) throw new OutsideSubset("depth");
  try {
    return compileNode(node);
  } finally {
    depth--;
  }
}

function compileNode(node: Node): Compiled {
  switch (node.type) {
    case "string":
    case "number":
    case "value": {
      only(node, ["value"]);
      const value = node.value as unknown;
      if (typeof value === "number" && !Number.isFinite(value)) throw new OutsideSubset("number");
      return () => value;
    }
    case "path":
      return path(node);
    case "variable":
      only(node, ["value"]);
      return variable(String(node.value));
    case "unary":
      if (node.value === "[") return arrayConstructor(node);
      if (node.value === "{") return objectConstructor(node);
      if (node.value === "-") {
        only(node, ["value", "expression"]);
        const operand = compile(node.expression as Node);
        return (input, bindings) => {
          const value = operand(input, bindings);
          if (value === undefined) return undefined;
          return typeof value === "number" ? -finite(value) : giveUp();
        };
      }
      throw new OutsideSubset(`unary ${String(node.value)}`);
    case "binary":
      return binary(node);
    case "condition": {
      only(node, ["condition", "then", "else"]);
      const condition = compile(node.condition as Node);
      const then = compile(node.then as Node);
      const otherwise = node.else === undefined ? () => undefined : compile(node.else as Node);
      return (input, bindings) => (booleanOf(condition(input, bindings)) === true ? then(input, bindings) : otherwise(input, bindings));
    }
    case "block": {
      // Parentheses: without variable bindings (outside the subset) a block is its expressions in turn, the last one's value.
      only(node, ["expressions"]);
      const expressions = (node.expressions as Node[]).map(compile);
      return (input, bindings) => {
        let value: unknown;
        for (const expression of expressions) value = expression(input, bindings);
        return value;
      };
    }
    case "function":
      return call(node);
    default:
      throw new OutsideSubset(node.type);
  }
}

/** Compiles an expression's AST, or null when it has anything outside the subset. */
export function compileSubset(ast: jsonata.ExprNode): SubsetEvaluator | null {
  let evaluate: Compiled;
  try {
    depth = 0;
    evaluate = compile(ast as unknown as Node);
  } catch {
    // Outside the subset, or a shape of AST it does not know: JSONata evaluates it.
    return null;
  }
  return (input, bindings) => {
    // JSONata wraps an array input; the subset leaves that to it.
    if (Array.isArray(input) || isFunctionLike(input)) return FALLBACK;
    try {
      return evaluate(input, bindings);
    } catch (error) {
      if (error === GIVE_UP) return FALLBACK;
      throw error;
    }
  };
}
