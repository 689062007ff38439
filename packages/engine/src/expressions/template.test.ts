import { describe, expect, it } from "vitest";
import { ExpressionError } from "../errors";
import {
  checkConfigExpressions,
  compilePathPatterns,
  containsTemplates,
  parseTemplate,
  renderTemplate,
  resolveTemplates,
} from "./template";

const context = {
  trigger: { name: "Ada", items: [1, 2, 3] },
  nodes: { a: { output: { ok: true } } },
};

describe("templates", () => {
  it("splits text and expressions, respecting braces and strings inside JSONata", () => {
    expect(parseTemplate("Hi {{ trigger.name }}!")).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "expression", source: "trigger.name" },
      { kind: "text", text: "!" },
    ]);
    expect(parseTemplate('{{ {"a": {"b": "}}"}} }}')).toEqual([
      { kind: "expression", source: '{"a": {"b": "}}"}}' },
    ]);
    expect(() => parseTemplate("{{ open")).toThrow(ExpressionError);
    expect(() => parseTemplate("{{ }}")).toThrow(/empty/);
  });

  it("returns the raw JSON value of a lone expression and text otherwise", async () => {
    expect(await renderTemplate("{{ trigger.items }}", context)).toEqual([
      1, 2, 3,
    ]);
    expect(await renderTemplate("{{ nodes.a.output }}", context)).toEqual({
      ok: true,
    });
    expect(
      await renderTemplate(
        "n={{ $count(trigger.items) }} {{ nodes.a.output }} {{ missing }}.",
        context,
      ),
    ).toBe('n=3 {"ok":true} .');
  });

  it("resolves nested configs but leaves raw expression fields alone", async () => {
    const raw = compilePathPatterns(["cases.*.expression"]);
    const config = {
      url: "https://x/{{ trigger.name }}",
      cases: [{ id: "a", expression: "{{ not a template }}" }],
      n: 1,
    };
    expect(await resolveTemplates(config, context, raw)).toEqual({
      url: "https://x/Ada",
      cases: [{ id: "a", expression: "{{ not a template }}" }],
      n: 1,
    });
    expect(containsTemplates({ cases: [{ expression: "{{ x }}" }] }, raw)).toBe(
      false,
    );
    expect(containsTemplates({ a: ["{{ x }}"] }, raw)).toBe(true);
  });

  it("reports template and raw expression syntax errors with their paths", () => {
    const raw = compilePathPatterns(["expression"]);
    expect(
      checkConfigExpressions(
        { expression: "1 +", h: { x: "{{ ( }}" }, ok: "{{ 1 }}" },
        raw,
      ).map((p) => p.path),
    ).toEqual([["h", "x"], ["expression"]]);
  });
});
