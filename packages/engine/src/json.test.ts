import { describe, expect, it } from "vitest";
import { toJson } from "./json";

describe("toJson", () => {
  it("follows JSON.stringify rules", () => {
    const value = {
      a: undefined,
      b: [undefined, () => 1, Number.NaN],
      c: new Date(0),
      d: { toJSON: () => "x" },
      e: Object.assign(Object.create(null), { f: 1 }),
    };
    expect(toJson(value)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(toJson(undefined)).toBeNull();
  });

  it("returns canonical JSON unchanged without copying", () => {
    const value = { a: [1, { b: "c" }], d: null };
    expect(toJson(value)).toBe(value);
  });

  it("rejects circular values and BigInt", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toJson(cycle)).toThrow(TypeError);
    expect(() => toJson({ n: 1n })).toThrow(TypeError);
  });
});
