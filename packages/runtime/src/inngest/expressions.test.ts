import { describe, expect, it } from "vitest";
import { containsJson, type Json, type JsonObject } from "@trellis/engine";
import fc from "fast-check";
import { celString, celValue, containmentConditions, runSignalExpression, waitExpression } from "./expressions";
import { inngestPriority } from "./events";
import { selectedDriver } from "./driver";
import { celMatches } from "./testing/cel";

const ws = "6f1c1f5e-6c54-4d0b-9d5d-3a2b2d9c4b11";
const run = "0b7e2c1a-1111-4d0b-9d5d-3a2b2d9c4b11";

function delivered(expression: string, data: Record<string, unknown>): boolean {
  return celMatches(expression, { async: { name: "trellis/run.event", data } });
}

describe("CEL literals", () => {
  it("writes strings so that no content can end the literal", () => {
    for (const value of ['a"b', "a\\b", '" || true || "', "line\nbreak", "tab\tand \u0001 control", "emoji 🎉"]) {
      const literal = celString(value);
      expect(celMatches(`x == ${literal}`, { x: value })).toBe(true);
      expect(celMatches(`x == ${literal}`, { x: "something else" })).toBe(false);
    }
    // CEL rejects escapes of lone surrogates; such a string cannot come from a well-formed event anyway.
    expect(celString("\uD800 lone")).toBe('"\uFFFD lone"');
  });

  it("writes numbers as doubles, which is how Inngest reads JSON numbers", () => {
    expect(celValue(7)).toBe("7.0");
    expect(celValue(-3)).toBe("-3.0");
    expect(celValue(1.5)).toBe("1.5");
    expect(celValue(1e21)).toBe("1e+21");
    expect(celValue(true)).toBe("true");
    expect(celValue(null)).toBe("null");
    expect(() => celValue(Number.NaN)).toThrow(RangeError);
  });
});

describe("containment as CEL", () => {
  it("has PostgreSQL's jsonb @> semantics: key subsets, array elements contained in some element, scalars by equality", () => {
    const pattern: JsonObject = { order: { id: 7, lines: [{ sku: "a" }] }, tags: ["vip"], paid: true, note: null };
    const expression = containmentConditions("x", pattern).join(" && ");
    const yes = { order: { id: 7, lines: [{ sku: "b" }, { sku: "a", qty: 2 }], extra: 1 }, tags: ["new", "vip"], paid: true, note: null };
    expect(celMatches(expression, { x: yes })).toBe(true);
    for (const no of [
      { ...yes, order: { id: 8, lines: yes.order.lines } },
      { ...yes, order: { id: 7, lines: [{ sku: "b" }] } },
      { ...yes, tags: ["new"] },
      { ...yes, paid: false },
      { order: yes.order, tags: yes.tags, paid: true },
      { ...yes, order: "7" },
    ]) {
      expect(celMatches(expression, { x: no }), JSON.stringify(no)).toBe(false);
    }
  });

  it("agrees with the engine's containsJson on generated payloads", () => {
    const scalar = fc.oneof(fc.constantFrom("a", "b", 'q"uote'), fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.constant(null));
    const value = fc.letrec<{ json: Json }>((tie) => ({
      json: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar,
        fc.array(tie("json"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("k", "l", "m"), tie("json"), { maxKeys: 3 }),
      ),
    })).json;
    const object = fc.dictionary(fc.constantFrom("k", "l", "m"), value, { maxKeys: 3 });
    fc.assert(
      fc.property(object, object, (target, pattern) => {
        const expression = containmentConditions("x", pattern).join(" && ") || "true";
        expect(celMatches(expression, { x: target })).toBe(containsJson(target, pattern));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the wait expression", () => {
  const expression = waitExpression({ workspaceId: ws, runId: run, event: "order.paid", match: { orderId: "o-1" } });
  const data = { workspaceId: ws, name: "order.paid", runId: "", payload: { orderId: "o-1", amount: 5 } };

  it("takes events of the workspace with the awaited name, for any run or this one, whose payload contains the match", () => {
    expect(delivered(expression, data)).toBe(true);
    expect(delivered(expression, { ...data, runId: run })).toBe(true);
    expect(delivered(expression, { ...data, runId: "another" })).toBe(false);
    expect(delivered(expression, { ...data, workspaceId: "another" })).toBe(false);
    expect(delivered(expression, { ...data, name: "order.refunded" })).toBe(false);
    expect(delivered(expression, { ...data, payload: { orderId: "o-2" } })).toBe(false);
    expect(delivered(expression, { ...data, payload: null })).toBe(false);
  });

  it("cannot be widened by match values taken from a run's input", () => {
    const hostile = waitExpression({ workspaceId: ws, runId: run, event: 'x" || true || "', match: { orderId: '" || true || "' } });
    expect(delivered(hostile, { ...data, name: "x" })).toBe(false);
    expect(delivered(hostile, { ...data, name: 'x" || true || "', payload: { orderId: '" || true || "' } })).toBe(true);
  });

  it("without a match, takes any payload", () => {
    expect(delivered(waitExpression({ workspaceId: ws, runId: run, event: "ping" }), { ...data, name: "ping", payload: 3 })).toBe(true);
  });

  it("addresses resume events to one run", () => {
    expect(celMatches(runSignalExpression(run), { async: { data: { runId: run } } })).toBe(true);
    expect(celMatches(runSignalExpression(run), { async: { data: { runId: "another" } } })).toBe(false);
  });
});

describe("driver selection and priorities", () => {
  it("uses Inngest when an event key or the dev server is configured, the embedded driver otherwise", () => {
    expect(selectedDriver({ INNGEST_EVENT_KEY: undefined, INNGEST_DEV: false })).toBe("embedded");
    expect(selectedDriver({ INNGEST_EVENT_KEY: "key", INNGEST_DEV: false })).toBe("inngest");
    expect(selectedDriver({ INNGEST_EVENT_KEY: undefined, INNGEST_DEV: true })).toBe("inngest");
  });

  it("maps our -1000…1000 onto Inngest's -600…600 keeping the order", () => {
    expect([-1000, -1, 0, 1, 999, 1000].map(inngestPriority)).toEqual([-600, -1, 0, 1, 599, 600]);
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), (a, b) => {
        if (a <= b) expect(inngestPriority(a)).toBeLessThanOrEqual(inngestPriority(b));
      }),
    );
  });
});
