import { describe, expect, it } from "vitest";
import { createMasker } from "./mask";

describe("masker", () => {
  const masker = createMasker({
    short: "abc",
    long: "abcdef",
    odd: 'q"u/o te',
  });

  it("masks raw, URL-encoded and JSON-escaped forms, longest first", () => {
    expect(masker.string("x abcdef y abc")).toBe("x *** y ***");
    expect(masker.string(`u=${encodeURIComponent('q"u/o te')}`)).toBe("u=***");
    expect(masker.string(JSON.stringify({ v: 'q"u/o te' }))).toBe(
      '{"v":"***"}',
    );
  });

  it("masks keys and values deep inside JSON, and errors", () => {
    expect(masker.json({ abc: ["abcdef", 1, null] })).toEqual({
      "***": ["***", 1, null],
    });
    expect(
      masker.error({
        name: "E",
        code: "c",
        message: "bad abc",
        retryable: true,
        details: { url: "abc" },
      }),
    ).toMatchObject({
      message: "bad ***",
      details: { url: "***" },
    });
  });

  it("is the identity without secrets", () => {
    const none = createMasker({ empty: "" });
    const value = { a: "b" };
    expect(none.active).toBe(false);
    expect(none.json(value)).toBe(value);
  });
});
