import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { sendWebResponse, toWebRequest } from "./fetch-adapter";
import { loopbackServer } from "./loopback-server";

// The self-hosted server's bridge between Node.js's HTTP server and route
// handlers, over real sockets.

const loopback = loopbackServer();

function serve(handle: (request: Request) => Promise<Response>): Promise<string> {
  return loopback.serve((req, res) => {
    void (async () => sendWebResponse(await handle(await toWebRequest(req, res)), res))();
  });
}

describe("the self-hosted server's fetch adapter", () => {
  it("hands a handler the method, URL, headers and body, and sends its answer back", async () => {
    const base = await serve(async (request) => {
      const body = await request.text();
      return Response.json(
        { method: request.method, url: request.url, signature: request.headers.get("x-signature"), body },
        { status: 202, headers: { location: "/api/v1/runs/r1" } },
      );
    });
    const response = await fetch(`${base}/api/hooks/orders?x=1`, { method: "POST", body: '{"a":1}', headers: { "x-signature": "sha256=abc" } });
    expect(response.status).toBe(202);
    expect(response.headers.get("location")).toBe("/api/v1/runs/r1");
    expect(await response.json()).toEqual({ method: "POST", url: `${base}/api/hooks/orders?x=1`, signature: "sha256=abc", body: '{"a":1}' });
  });

  it("streams a long body, so a handler that stops reading at its limit never holds all of it", async () => {
    const limit = 200 * 1024;
    let read = 0;
    const base = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        read += value.length;
        if (read > limit) {
          await reader.cancel();
          return Response.json({ title: "Payload Too Large" }, { status: 413 });
        }
      }
      return Response.json({ read });
    });
    const within = await fetch(`${base}/in`, { method: "POST", body: Buffer.alloc(150 * 1024, 1) });
    expect(await within.json()).toEqual({ read: 150 * 1024 });

    read = 0;
    const status = await new Promise<number>((resolve, reject) => {
      // Chunked and endless until the answer: the handler must answer without the whole body.
      const req = httpRequest(`${base}/in`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(16 * 1024, 2);
      const pump = () => {
        while (!req.destroyed && req.write(chunk));
        if (!req.destroyed) req.once("drain", pump);
      };
      pump();
    });
    expect(status).toBe(413);
    expect(read).toBeGreaterThan(limit);
    expect(read).toBeLessThan(limit + 1024 * 1024);
  });

  it("sends every Set-Cookie and streams event streams as they come", async () => {
    const base = await serve(async () => {
      const headers = new Headers({ "content-type": "text/event-stream" });
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      const encoder = new TextEncoder();
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === 2) return controller.close();
          controller.enqueue(encoder.encode(`data: ${++sent}\n\n`));
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      return new Response(stream, { headers });
    });
    const response = await fetch(`${base}/events`);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: 1\n\n");
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe("data: 2\n\n");
  });

  it("aborts the request's signal when the client goes away before the answer", async () => {
    let aborted: () => void = () => undefined;
    const abortedSeen = new Promise<void>((resolve) => (aborted = resolve));
    const base = await serve(
      (request) =>
        new Promise<Response>((resolve) => {
          request.signal.addEventListener("abort", () => {
            aborted();
            resolve(new Response(null, { status: 499 }));
          });
        }),
    );
    const client = new AbortController();
    const pending = fetch(`${base}/api/hooks/slow`, { method: "POST", body: "{}", signal: client.signal }).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.abort();
    await pending;
    await abortedSeen;
  });
});
