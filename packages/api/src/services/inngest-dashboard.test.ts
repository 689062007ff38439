import { describe, expect, it } from "vitest";
import { inngestRunUrl } from "./inngest-dashboard";

const started = { driver: "inngest", externalRunId: "01JRUN00000000000000000XYZ", startedAt: new Date() };
const dispatched = { driver: "inngest", externalRunId: "01JEVENT0000000000000000AB", startedAt: null };

describe("inngestRunUrl", () => {
  it("has no link for a run of the embedded driver", () => {
    expect(inngestRunUrl({ driver: "embedded", externalRunId: null, startedAt: new Date() }, { INNGEST_DEV: true })).toBeNull();
  });

  it("opens the run in the dev server's UI, at INNGEST_BASE_URL when set", () => {
    expect(inngestRunUrl(started, { INNGEST_DEV: true })).toBe("http://localhost:8288/run?runID=01JRUN00000000000000000XYZ");
    expect(inngestRunUrl(started, { INNGEST_DEV: true, INNGEST_BASE_URL: "http://inngest.internal:9000/" })).toBe(
      "http://inngest.internal:9000/run?runID=01JRUN00000000000000000XYZ",
    );
    expect(inngestRunUrl(dispatched, { INNGEST_DEV: true })).toBe("http://localhost:8288/runs");
  });

  it("opens the run in Inngest Cloud in the configured environment", () => {
    expect(inngestRunUrl(started, { INNGEST_DEV: false })).toBe("https://app.inngest.com/env/production/runs/01JRUN00000000000000000XYZ");
    expect(inngestRunUrl(started, { INNGEST_DEV: false, INNGEST_ENV: "feature/x" })).toBe("https://app.inngest.com/env/feature%2Fx/runs/01JRUN00000000000000000XYZ");
    expect(inngestRunUrl(dispatched, { INNGEST_DEV: false })).toBe("https://app.inngest.com/env/production/functions/trellis-workflow-run");
  });
});
