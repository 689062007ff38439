import { describe, expect, it } from "vitest";
import { createdAfter, matchesFilters, parseRunFilters, runFiltersQuery } from "./run-filters";
import { formatDuration } from "./run-format";

const workflowId = "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c";

describe("run filters in the query string", () => {
  it("round-trips and ignores what the API would refuse", () => {
    const filters = parseRunFilters(new URLSearchParams(`workflow=${workflowId}&status=failed&trigger=api&range=24h`));
    expect(filters).toEqual({ workflowId, status: "failed", trigger: "api", range: "24h" });
    expect(runFiltersQuery(filters)).toBe(`?workflow=${workflowId}&status=failed&trigger=api&range=24h`);
    expect(parseRunFilters(new URLSearchParams("workflow=nope&status=exploded&range=2y"))).toEqual({});
    expect(runFiltersQuery({}, "dead-letters")).toBe("?tab=dead-letters");
  });

  it("matches live runs against the filters", () => {
    const now = Date.UTC(2026, 0, 2);
    const after = createdAfter("1h", now);
    const run = { workflowId, status: "running" as const, triggerKind: "api" as const, createdAt: new Date(now - 60_000) };
    expect(matchesFilters(run, { workflowId, range: "1h" }, after)).toBe(true);
    expect(matchesFilters({ ...run, createdAt: new Date(now - 7_200_000) }, { range: "1h" }, after)).toBe(false);
    expect(matchesFilters(run, { status: "failed" }, undefined)).toBe(false);
  });
});

describe("formatDuration", () => {
  it("reads well at every scale", () => {
    expect(formatDuration(85)).toBe("85 ms");
    expect(formatDuration(1_440)).toBe("1.4 s");
    expect(formatDuration(125_000)).toBe("2 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
  });
});
