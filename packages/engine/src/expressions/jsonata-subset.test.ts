import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileSubset, FALLBACK } from "./jsonata-subset";

const subsetOf = (source: string) => compileSubset(jsonata(source).ast());

/** What JSONata itself gives, or its error code. */
async function reference(source: string, input: unknown, bindings?: Record<string, unknown>): Promise<{ value: unknown } | { error: string }> {
  try {
    return { value: await jsonata(source).evaluate(input, bindings) };
  } catch (error) {
    return { error: String((error as { code?: string }).code ?? error) };
  }
}

/** A value as the caller sees it, comparable across prototypes and sequences: `undefined` and -0 kept apart. */
function shown(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  return JSON.stringify(value);
}

describe("the synchronous JSONata subset", () => {
  it("compiles the expressions workflows use most, and leaves the rest of the language to JSONata", () => {
    for (const source of [
      '$merge([trigger.body, {"sum": $sum(trigger.body.values), "processedBy": "trellis"}])',
      "input.sum > 100",
      'nodes.condition.output.result ? "big" : "small"',
      '(a + b) * 2 & " items"',
      "$count(items) = 0 or $not($exists(x.y))",
      "$$.a.b",
      "$v",
    ]) {
      expect(subsetOf(source), source).not.toBeNull();
    }
    for (const source of ["items[price > 1]", "a.*", "**.x", "$map(a, function($x) { $x })", "($x := 1; $x)", "a ~> $sum()", "$sum()", "$now()"]) {
      expect(subsetOf(source), source).toBeNull();
    }
    // An AST of a shape the subset does not know (here an object constructor without pairs) is left to JSONata, not a failure.
    expect(compileSubset({ type: "unary", value: "{" } as jsonata.ExprNode)).toBeNull();
    // Deep nesting is left to JSONata, whose stack guardrail decides where evaluation stops.
    expect(subsetOf(`${"-".repeat(300)}a`)).toBeNull();
    expect(subsetOf(`${"-".repeat(100)}a`)).not.toBeNull();
  });

  it("gives JSONata's results where it answers", () => {
    const input = {
      a: 2,
      b: 3,
      s: "x",
      list: [1, 2],
      nested: { list: [4] },
      empty: [],
      obj: { k: 1 },
      nul: null,
      rows: [{ k: 1, tags: ["x"] }, { k: 2, tags: ["y", "z"] }, { j: 3 }],
      grid: [[{ k: 1 }], [{ k: 2 }, [{ k: 3 }]]],
      one: [{ k: 7 }, { j: 1 }],
    };
    const cases: [string, unknown][] = [
      ["a + b", 5],
      ["missing + 1", undefined],
      ["nested.list", [4]], // an array as the last step's value is returned as it is, even with one item
      ["rows.k", [1, 2]], // a path maps over arrays…
      ["rows.tags", ["x", "y", "z"]], // …splicing the arrays it meets
      ["grid.k", [1, 2, 3]],
      ["one.k", 7], // a sequence of one is its item
      ["[nested.list, [a]]", [4, [2]]], // an array value is spliced into a constructor, a nested constructor is not
      ['{"x": missing, "y": a}', { y: 2 }],
      ["$sum(list)", 3],
      ["$sum(a)", 2],
      ["$sum(missing)", undefined],
      ["$count(missing)", 0],
      ["$count(s)", 1],
      ["$max(empty)", undefined],
      ['s & a & missing & true & null & 0.1', "x2truenull0.1"],
      ["empty ? 1 : 2", 2],
      ["obj and s", true],
      ["a = 2 and s != 'y'", true],
      ["a > missing", undefined],
      ["$length('héllo')", 5],
      ["$v + 1", 2],
    ];
    for (const [source, expected] of cases) {
      const value = subsetOf(source)?.(input, { v: 1 });
      expect(value, source).not.toBe(FALLBACK);
      expect(shown(value), source).toBe(shown(expected));
    }
  });

  it("gives up, for JSONata to decide, on what it does not cover exactly", () => {
    const input = { a: 2, s: "x", list: [{ k: 1 }, { k: 2 }], obj: { k: 1 } };
    for (const source of [
      "s + 1", // JSONata's T2001
      "a < s", // JSONata's T2009
      "obj = obj", // deep equality
      "a / 0", // not finite
      '{s: 1, "x": 2}', // two pairs giving one key ("x"): D1009
      "$merge([obj, a])", // T0412
      "$unbound",
    ]) {
      expect(subsetOf(source)?.(input), source).toBe(FALLBACK);
    }
    // A binding of a built-in's name shadows it.
    expect(subsetOf("$sum(a)")?.(input, { sum: 1 })).toBe(FALLBACK);
    // An array input is wrapped by JSONata.
    expect(subsetOf("$")?.([1, 2])).toBe(FALLBACK);
  });

  const names = ["a", "b", "n", "s", "k", "list", "obj", "nul", "t", "missing", "nested", "rows", "grid"];
  const path = fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }).map((steps) => steps.join("."));
  const literal = fc.oneof(
    fc.integer({ min: -5, max: 200 }).map(String),
    fc.constantFrom("0.1", "1.5", "1e300", "'x'", "''", '"abc"', "true", "false", "null"),
  );
  const leaf = fc.oneof({ weight: 3, arbitrary: path }, { weight: 2, arbitrary: literal }, fc.constantFrom("$", "$$.a", "$v", "$w.k", "$u"));
  const functions = ["sum", "count", "max", "min", "average", "merge", "boolean", "not", "exists", "string", "length", "uppercase", "lowercase"];
  const operators = ["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&"];
  const { expression } = fc.letrec<{ expression: string }>((tie) => ({
    expression: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.tuple(tie("expression"), fc.constantFrom(...operators), tie("expression")).map(([l, op, r]) => `(${l} ${op} ${r})`),
      tie("expression").map((e) => `-${e}`),
      fc.array(tie("expression"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
      fc
        .array(fc.tuple(fc.oneof(fc.constantFrom('"k"', '"sum"', '"__proto__"', '"1"'), tie("expression")), tie("expression")), { maxLength: 3 })
        .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
      fc.tuple(tie("expression"), tie("expression"), fc.option(tie("expression"))).map(([c, t, e]) => (e === null ? `(${c} ? ${t})` : `(${c} ? ${t} : ${e})`)),
      fc.tuple(fc.constantFrom(...functions), tie("expression")).map(([f, arg]) => `$${f}(${arg})`),
    ),
  }));
  const value = fc.jsonValue({ maxDepth: 2 });
  // Records for paths to map over: mostly the same few keys, some missing, some arrays.
  const row = fc.record(
    { k: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 2 }), value), a: value, n: fc.array(value, { maxLength: 2 }) },
    { requiredKeys: [] },
  );
  const context = fc.record({
    a: fc.oneof(fc.integer({ min: -3, max: 50 }), value),
    b: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), value),
    n: fc.oneof(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }), value),
    s: fc.oneof(fc.string({ maxLength: 4 }), value),
    list: fc.array(value, { maxLength: 3 }),
    obj: fc.dictionary(fc.constantFrom("k", "a", "sum", "1"), value, { maxKeys: 3 }),
    nul: fc.constant(null),
    t: fc.boolean(),
    nested: fc.record({ a: value, s: fc.string({ maxLength: 3 }), n: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }) }),
    rows: fc.array(row, { maxLength: 4 }),
    grid: fc.array(fc.oneof(row, fc.array(fc.oneof(row, value), { maxLength: 3 }), value), { maxLength: 4 }),
  });
  const bindings = fc.record({ v: value, w: fc.record({ k: value }) });

  it("agrees with JSONata on generated expressions and inputs: the same value, and never a value where JSONata fails", async () => {
    let compiled = 0;
    let answered = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(expression, context, bindings, async (source, input, bound) => {
        runs++;
        const subset = subsetOf(source);
        if (!subset) return;
        compiled++;
        const value = subset(input, bound);
        if (value === FALLBACK) return;
        answered++;
        const expected = await reference(source, input, bound);
        expect(expected, source).toHaveProperty("value");
        expect(shown(value), source).toBe(shown((expected as { value: unknown }).value));
      }),
      { numRuns: Number(process.env.SUBSET_RUNS ?? 4_000) },
    );
    // Most generated expressions are in the subset and it answers a good share of them: the comparison above is not vacuous.
    expect(compiled / runs).toBeGreaterThan(0.9);
    expect(answered / runs).toBeGreaterThan(0.3);
  }, 120_000);
});
