import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JsonObject } from "../json";
import {
  eventsOf,
  planOf,
  run,
  runContext,
  workflow,
} from "../testing/workflow";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let base: string;
let port: number;
const seen: Seen[] = [];
const counters = new Map<string, number>();

function count(key: string): number {
  const n = (counters.get(key) ?? 0) + 1;
  counters.set(key, n);
  return n;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
      });
      const url = new URL(req.url ?? "/", "http://x");
      const json = (
        status: number,
        value: unknown,
        headers: Record<string, string> = {},
      ) => {
        res.writeHead(status, {
          "content-type": "application/json",
          ...headers,
        });
        res.end(JSON.stringify(value));
      };
      switch (url.pathname) {
        case "/echo":
          return json(200, {
            method: req.method,
            query: Object.fromEntries(url.searchParams),
            headers: req.headers,
            body,
          });
        case "/status":
          return json(Number(url.searchParams.get("code")), { error: "nope" });
        case "/flaky":
          return count("flaky") <= 2
            ? json(503, { error: "busy" })
            : json(200, { ok: true });
        case "/throttled":
          return count("throttled") === 1
            ? json(429, {}, { "retry-after": "0" })
            : json(200, { ok: true });
        case "/slow":
          return void setTimeout(() => json(200, { late: true }), 400);
        case "/text":
          res.writeHead(200, { "content-type": "text/plain" });
          return void res.end("plain words");
        case "/gzip":
          res.writeHead(200, {
            "content-type": "application/json",
            "content-encoding": "gzip",
          });
          return void res.end(gzipSync(JSON.stringify({ zipped: true })));
        case "/big":
          res.writeHead(200, { "content-type": "text/plain" });
          return void res.end("x".repeat(5_000));
        case "/redirect":
          res.writeHead(302, {
            location: url.searchParams.get("to") ?? "/echo",
          });
          return void res.end();
        default:
          return json(404, {});
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  counters.clear();
});

const allowed = { network: { allowedHosts: ["127.0.0.1"] } };

async function call(
  config: JsonObject,
  options: {
    retry?: Record<string, number>;
    context?: Parameters<typeof runContext>[0];
  } = {},
) {
  const plan = planOf(
    workflow(
      [
        { id: "t", type: "trigger.manual" },
        {
          id: "h",
          type: "http.request",
          config,
          retry: options.retry ?? { maxAttempts: 1 },
        },
      ],
      [["t", "h"]],
    ),
  );
  return run(
    plan,
    { id: 7 },
    {
      context: runContext({
        run: { id: "run-42", attempt: 1, startedAt: new Date().toISOString() },
        ...allowed,
        ...options.context,
      }),
    },
  );
}

describe("http.request against a local server", () => {
  it("sends method, query, headers with templates and secrets, and the idempotency key", async () => {
    const { result, events } = await call(
      {
        url: `${base}/echo`,
        query: { id: "{{ trigger.id }}", flag: true },
        headers: {
          Authorization: "Bearer {{ secrets.TOKEN }}",
          "X-Run": "{{ run.id }}",
        },
      },
      { context: { ...allowed, secrets: { TOKEN: "tok-123456" } } },
    );
    expect(result).toMatchObject({
      status: "succeeded",
      output: {
        h: {
          status: 200,
          body: {
            method: "GET",
            query: { id: "7", flag: "true" },
            headers: {
              authorization: "Bearer ***",
              "x-run": "run-42",
              "idempotency-key": "run-42:h",
              "user-agent": "Trellis",
            },
          },
        },
      },
    });
    expect(seen[0]?.headers.authorization).toBe("Bearer tok-123456");
    expect(JSON.stringify(events)).not.toContain("tok-123456");
    expect(eventsOf(events, "node.log")[0]?.message).toBe(
      `GET ${base}/echo?id=7&flag=true -> 200`,
    );
  });

  it("sends JSON, form and text bodies", async () => {
    await call({
      method: "POST",
      url: `${base}/echo`,
      body: { type: "json", value: { a: "{{ trigger.id }}", b: [1] } },
    });
    await call({
      method: "PUT",
      url: `${base}/echo`,
      body: { type: "form", value: { a: "x y", b: 2 } },
    });
    await call({
      method: "PATCH",
      url: `${base}/echo`,
      body: { type: "text", value: "hello", contentType: "text/csv" },
    });
    expect(
      seen.map((s) => [s.method, s.headers["content-type"], s.body]),
    ).toEqual([
      ["POST", "application/json", '{"a":7,"b":[1]}'],
      ["PUT", "application/x-www-form-urlencoded", "a=x+y&b=2"],
      ["PATCH", "text/csv", "hello"],
    ]);
  });

  it("fails on 4xx without retrying, and keeps the response when failOnNon2xx is off", async () => {
    const { result } = await call(
      { url: `${base}/status?code=404` },
      { retry: { maxAttempts: 3, initialDelayMs: 0 } },
    );
    expect(result).toMatchObject({
      status: "failed",
      error: {
        code: "http_status",
        retryable: false,
        details: { status: 404 },
      },
    });
    expect(seen).toHaveLength(1);

    const kept = await call({
      url: `${base}/status?code=500`,
      failOnNon2xx: false,
    });
    expect(kept.result).toMatchObject({
      status: "succeeded",
      output: { h: { status: 500, body: { error: "nope" } } },
    });
  });

  it("retries 503 with a fresh idempotency key per attempt", async () => {
    const { result, tools } = await call(
      { url: `${base}/flaky` },
      { retry: { maxAttempts: 3, initialDelayMs: 0 } },
    );
    expect(result).toMatchObject({
      status: "succeeded",
      output: { h: { status: 200, body: { ok: true } } },
    });
    expect(seen.map((s) => s.headers["idempotency-key"])).toEqual([
      "run-42:h",
      "run-42:h#2",
      "run-42:h#3",
    ]);
    expect(tools.executed).toEqual([
      "t",
      "h",
      "h#2:backoff",
      "h#2",
      "h#3:backoff",
      "h#3",
    ]);
  });

  it("retries 429 after Retry-After", async () => {
    const { result, events } = await call(
      { url: `${base}/throttled` },
      { retry: { maxAttempts: 2, initialDelayMs: 0 } },
    );
    expect(result.status).toBe("succeeded");
    expect(eventsOf(events, "node.retrying")[0]?.delayMs).toBe(0);
  });

  it("times out a slow response as a retryable failure", async () => {
    const started = Date.now();
    const { result } = await call({ url: `${base}/slow`, timeoutMs: 100 });
    expect(result).toMatchObject({
      status: "failed",
      error: { code: "http_timeout", retryable: true },
    });
    expect(Date.now() - started).toBeLessThan(380);
  });

  it("parses text and gzip responses, and refuses oversized ones", async () => {
    expect((await call({ url: `${base}/text` })).result).toMatchObject({
      output: { h: { body: "plain words" } },
    });
    expect((await call({ url: `${base}/gzip` })).result).toMatchObject({
      output: { h: { body: { zipped: true } } },
    });
    expect(
      (await call({ url: `${base}/big`, maxResponseBytes: 1_000 })).result,
    ).toMatchObject({
      status: "failed",
      error: { code: "response_too_large" },
    });
  });

  it("follows redirects on an allowed host", async () => {
    const { result } = await call({ url: `${base}/redirect?to=/echo` });
    expect(result).toMatchObject({
      output: { h: { status: 200, url: `${base}/echo` } },
    });
  });

  it("rejects invalid URLs and schemes as config errors", async () => {
    expect((await call({ url: "not a url" })).result).toMatchObject({
      error: { code: "invalid_config" },
    });
    expect((await call({ url: "file:///etc/passwd" })).result).toMatchObject({
      error: { code: "invalid_config" },
    });
  });
});

describe("http.request SSRF guard", () => {
  it("refuses the loopback server unless 127.0.0.1 is allowed, without connecting", async () => {
    const { result } = await call(
      { url: `${base}/echo` },
      { context: { network: { allowedHosts: [] } } },
    );
    expect(result).toMatchObject({
      status: "failed",
      error: {
        code: "ssrf_blocked",
        retryable: false,
        details: { address: "127.0.0.1", range: "loopback" },
      },
    });
    expect(seen).toHaveLength(0);
  });

  it("refuses a name that resolves to loopback, after DNS resolution", async () => {
    const { result } = await call(
      { url: `http://localhost:${port}/echo` },
      { context: { network: { allowedHosts: ["api.example.com"] } } },
    );
    expect(result).toMatchObject({
      status: "failed",
      error: { code: "ssrf_blocked", details: { host: "localhost" } },
    });
    expect(seen).toHaveLength(0);
    // Allowing the name, or the address it resolves to, lets the request through.
    const byName = await call(
      { url: `http://localhost:${port}/echo` },
      { context: { network: { allowedHosts: ["localhost"] } } },
    );
    expect(byName.result.status).toBe("succeeded");
    const byAddress = await call(
      { url: `http://localhost:${port}/echo` },
      { context: { network: { allowedHosts: ["127.0.0.1", "::1"] } } },
    );
    expect(byAddress.result.status).toBe("succeeded");
  });

  it("refuses a redirect from an allowed host to the metadata address", async () => {
    const { result } = await call({
      url: `${base}/redirect?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data")}`,
    });
    expect(result).toMatchObject({
      status: "failed",
      error: { code: "ssrf_blocked", details: { range: "linkLocal" } },
    });
  });

  it.each([
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
    "http://100.100.100.200/",
  ])("refuses %s", async (url) => {
    const { result } = await call(
      { url, timeoutMs: 1_000 },
      { context: { network: { allowedHosts: [] } } },
    );
    expect(result).toMatchObject({
      status: "failed",
      error: { code: "ssrf_blocked" },
    });
  });
});
