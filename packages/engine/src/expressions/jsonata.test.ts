import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateExpression } from "./jsonata";

describe("evaluateExpression", () => {
  it("returns plain JSON: objects and arrays copied out of JSONata's sequences, primitives as they are", async () => {
    const array = await evaluateExpression("values[$ > 1]", { values: [1, 2, 3] });
    expect(array).toEqual([2, 3]);
    expect(Array.isArray(array) && Object.getPrototypeOf(array)).toBe(Array.prototype);
    const object = await evaluateExpression('{"sum": $sum(values)}', { values: [1, 2] });
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(object).toEqual({ sum: 3 });
    expect(await evaluateExpression("'text'", null)).toBe("text");
    expect(await evaluateExpression("n > 1", { n: 2 })).toBe(true);
    expect(await evaluateExpression("missing", {})).toBeNull();
  });

  it("fails with JSONata's own error where the synchronous subset gives up on a type error", async () => {
    // In the subset (a path plus a number), but a string operand is JSONata's T2001.
    await expect(evaluateExpression("s + 1", { s: "x" })).rejects.toMatchObject({
      name: "ExpressionError",
      details: { jsonataCode: "T2001", position: 3 },
    });
    // A path maps over the arrays it meets.
    expect(await evaluateExpression("items.price", { items: [{ price: 1 }, { price: 2 }] })).toEqual([1, 2]);
  });

  it("gives numbers as JSON has them: no negative zero, no infinity", async () => {
    expect(Object.is(await evaluateExpression("-n", { n: 0 }), 0)).toBe(true);
    expect(await evaluateExpression("n * 2", { n: Number.MAX_VALUE })).toBeNull();
  });
});

describe("evaluateCondition", () => {
  it("takes a comparison's boolean as it is, and JSONata's truthiness for anything else", async () => {
    expect(await evaluateCondition("sum > 100", { sum: 101 })).toBe(true);
    expect(await evaluateCondition("sum > 100", { sum: 100 })).toBe(false);
    expect(await evaluateCondition("items", { items: [] })).toBe(false);
    expect(await evaluateCondition("items", { items: [0, 1] })).toBe(true);
    expect(await evaluateCondition("name", { name: "" })).toBe(false);
    expect(await evaluateCondition("name", { name: "x" })).toBe(true);
    expect(await evaluateCondition("n", { n: 0 })).toBe(false);
    expect(await evaluateCondition("missing", {})).toBe(false);
    expect(await evaluateCondition("obj", { obj: {} })).toBe(false);
  });
});
