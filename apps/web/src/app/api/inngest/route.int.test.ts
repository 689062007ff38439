import { afterEach, describe, expect, it, vi } from "vitest";

// The route's behaviour depends on configuration read once per process, so
// each case loads it afresh with its own environment.
async function loadRoute(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  globalThis.__trellisInngestDriver = undefined;
  return import("./route");
}

const request = (method: string, body?: unknown) =>
  new Request("http://localhost:3000/api/inngest", {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("/api/inngest", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    globalThis.__trellisInngestDriver = undefined;
  });

  it("with the dev server configured, describes the workflow-run and schedules functions", async () => {
    const { GET } = await loadRoute({ INNGEST_DEV: "1", INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: undefined });
    const response = await GET(request("GET") as never, undefined);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ function_count: 2, mode: "dev" });
  });

  it("without configuration answers 500 (cloud mode needs a signing key) instead of running anything", async () => {
    const { GET, POST } = await loadRoute({ INNGEST_DEV: undefined, INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: undefined });
    expect((await GET(request("GET") as never, undefined)).status).toBe(500);
    expect((await POST(request("POST", {}) as never, undefined)).status).toBe(500);
  });

  it("in cloud mode refuses calls that Inngest did not sign", async () => {
    const { POST } = await loadRoute({
      INNGEST_DEV: undefined,
      INNGEST_EVENT_KEY: "test-event-key",
      INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    const response = await POST(request("POST", { event: { name: "trellis/run.requested", data: {} }, steps: {} }) as never, undefined);
    expect(response.status).toBe(401);
  });
});
