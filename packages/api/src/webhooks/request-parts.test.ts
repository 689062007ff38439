import { describe, expect, it } from "vitest";
import { contentTypeAllowed, mediaTypeOf, redactHeaders, redactQuery, storable } from "./request-parts";

describe("redaction", () => {
  it("replaces credential and signature headers, by name and by pattern, and keeps the rest", () => {
    const headers = new Headers({
      authorization: "Bearer x",
      cookie: "s=1",
      "stripe-signature": "t=1,v1=abc",
      "x-custom-sig": "abc",
      "x-api-key": "k",
      "x-shopify-hmac-sha256": "h",
      "x-github-event": "push",
      "content-type": "application/json",
    });
    expect(redactHeaders(headers, ["X-Custom-Sig"])).toEqual({
      authorization: "[redacted]",
      cookie: "[redacted]",
      "stripe-signature": "[redacted]",
      "x-custom-sig": "[redacted]",
      "x-api-key": "[redacted]",
      "x-shopify-hmac-sha256": "[redacted]",
      "x-github-event": "push",
      "content-type": "application/json",
    });
  });

  it("replaces query parameters that carry credentials", () => {
    expect(redactQuery(new URLSearchParams("token=a&access_token=b&key=c&sig=d&page=2&source=crm"))).toEqual({
      token: "[redacted]",
      access_token: "[redacted]",
      key: "[redacted]",
      sig: "[redacted]",
      page: "2",
      source: "crm",
    });
  });
});

describe("content types", () => {
  it("compares media types without parameters or case, with type/* and */* wildcards", () => {
    expect(mediaTypeOf("Application/JSON; charset=utf-8")).toBe("application/json");
    expect(mediaTypeOf("")).toBeNull();
    expect(mediaTypeOf(null)).toBeNull();
    expect(contentTypeAllowed("application/json", ["application/json"])).toBe(true);
    expect(contentTypeAllowed("application/xml", ["application/json"])).toBe(false);
    expect(contentTypeAllowed("text/csv", ["application/json", "text/*"])).toBe(true);
    expect(contentTypeAllowed(null, ["application/json"])).toBe(false);
    expect(contentTypeAllowed(null, ["*/*"])).toBe(true);
  });
});

describe("storable", () => {
  it("refuses NUL and unpaired surrogates anywhere in a value, keys included, and accepts paired ones", () => {
    expect(storable({ a: ["ok", 1, null, { b: "😀" }] })).toBe(true);
    expect(storable("a\u0000b")).toBe(false);
    expect(storable(["\ud800"])).toBe(false);
    expect(storable({ "\udfff": 1 })).toBe(false);
    expect(storable("\ud83d\ude00")).toBe(true);
  });
});
