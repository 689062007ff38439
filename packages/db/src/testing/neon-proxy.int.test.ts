import { randomBytes } from "node:crypto";
import net from "node:net";
import { neonConfig } from "@neondatabase/serverless";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { acquireNeonProxy, neonProxyStatus, parseProxyTarget, startNeonProxy, type NeonProxy } from "./neon-proxy";

/** A TCP server standing in for Postgres: echoes what it receives. */
async function startEchoServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("expected a TCP address");
  return {
    port: address.port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function connect(proxy: NeonProxy, host: string, port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://${proxy.wsProxy(host, port)}`);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function nextClose(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once("close", (code) => resolve(code)));
}

async function waitFor(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("parseProxyTarget", () => {
  it("reads host and port from the address parameter", () => {
    expect(parseProxyTarget("/v2?address=127.0.0.1%3A5432")).toEqual({ host: "127.0.0.1", port: 5432 });
    expect(parseProxyTarget("/v2?address=db.internal:6543")).toEqual({ host: "db.internal", port: 6543 });
    expect(parseProxyTarget("/v2?address=%5B%3A%3A1%5D%3A5432")).toEqual({ host: "::1", port: 5432 });
  });

  it("rejects a missing or malformed address", () => {
    for (const url of [undefined, "/v2", "/v2?address=", "/v2?address=host", "/v2?address=:5432", "/v2?address=h:0", "/v2?address=h:70000", "/v2?address=h:54x"]) {
      expect(parseProxyTarget(url), String(url)).toBeUndefined();
    }
  });
});

describe("the Neon WebSocket proxy", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("pipes bytes both ways, including payloads far larger than one frame", async () => {
    const echo = await startEchoServer();
    cleanups.push(echo.close);
    const proxy = await startNeonProxy({ allow: (host, port) => host === "127.0.0.1" && port === echo.port });
    cleanups.push(proxy.close);

    const ws = await connect(proxy, "127.0.0.1", echo.port);
    const payload = randomBytes(4 * 1024 * 1024);
    const received: Buffer[] = [];
    let length = 0;
    ws.on("message", (data: Buffer) => {
      received.push(data);
      length += data.length;
    });
    for (let offset = 0; offset < payload.length; offset += 64 * 1024) ws.send(payload.subarray(offset, offset + 64 * 1024));
    await waitFor(() => length >= payload.length, "the echoed payload");
    expect(Buffer.concat(received).equals(payload)).toBe(true);
    expect(proxy.openConnections()).toBe(1);
    expect(proxy.acceptedConnections()).toBe(1);

    const closed = nextClose(ws);
    ws.close();
    await closed;
    await waitFor(() => echo.sockets.size === 0 && proxy.openConnections() === 0, "the server socket to close");
  });

  it("closes the WebSocket when the server ends the connection", async () => {
    const echo = await startEchoServer();
    cleanups.push(echo.close);
    const proxy = await startNeonProxy({ allow: () => true });
    cleanups.push(proxy.close);

    const ws = await connect(proxy, "127.0.0.1", echo.port);
    await waitFor(() => echo.sockets.size === 1, "the server to accept");
    const closed = nextClose(ws);
    for (const socket of echo.sockets) socket.end();
    await closed;
    await waitFor(() => proxy.openConnections() === 0, "the proxy to forget the connection");
  });

  it("refuses a target it was not told to allow, without opening a socket", async () => {
    const echo = await startEchoServer();
    cleanups.push(echo.close);
    const proxy = await startNeonProxy({ allow: () => false });
    cleanups.push(proxy.close);

    const ws = new WebSocket(`ws://${proxy.wsProxy("127.0.0.1", echo.port)}`);
    expect(await nextClose(ws)).toBe(1008);
    expect(echo.sockets.size).toBe(0);
    expect(proxy.acceptedConnections()).toBe(0);
  });

  it("on close, drops open connections and stops listening", async () => {
    const echo = await startEchoServer();
    cleanups.push(echo.close);
    const proxy = await startNeonProxy({ allow: () => true });

    const ws = await connect(proxy, "127.0.0.1", echo.port);
    const closed = nextClose(ws);
    await proxy.close();
    await closed;
    await waitFor(() => echo.sockets.size === 0, "the server socket to close");
    await expect(connect(proxy, "127.0.0.1", echo.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("acquireNeonProxy", () => {
  it("shares one proxy, points neonConfig at it, and closes it and restores neonConfig after the last release", async () => {
    const echo = await startEchoServer();
    try {
      const before = {
        wsProxy: neonConfig.wsProxy,
        useSecureWebSocket: neonConfig.useSecureWebSocket,
        pipelineConnect: neonConfig.pipelineConnect,
        pipelineTLS: neonConfig.pipelineTLS,
      };
      expect(neonProxyStatus()).toEqual({ running: false });

      const releaseFirst = await acquireNeonProxy("127.0.0.1", echo.port);
      const releaseSecond = await acquireNeonProxy("127.0.0.1", echo.port);
      const status = neonProxyStatus();
      if (!status.running) throw new Error("no proxy after acquiring");
      expect(status.users).toBe(2);
      expect(neonConfig.wsProxy).toBe(status.proxy.wsProxy);
      expect(neonConfig.useSecureWebSocket).toBe(false);
      expect(neonConfig.pipelineConnect).toBe(false);
      expect(neonConfig.pipelineTLS).toBe(false);
      expect(neonConfig.webSocketConstructor).toBe(WebSocket);

      const wsProxy = neonConfig.wsProxy;
      if (typeof wsProxy !== "function") throw new Error("expected a wsProxy function");
      // Only the acquired target is reachable through the shared proxy.
      const refused = new WebSocket(`ws://${wsProxy("127.0.0.1", echo.port + 1)}`);
      expect(await nextClose(refused)).toBe(1008);

      await releaseFirst();
      await releaseFirst();
      expect(neonProxyStatus()).toMatchObject({ running: true, users: 1 });
      const ws = await connect(status.proxy, "127.0.0.1", echo.port);
      const closed = nextClose(ws);

      await releaseSecond();
      await closed;
      expect(neonProxyStatus()).toEqual({ running: false });
      await expect(connect(status.proxy, "127.0.0.1", echo.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
      expect({
        wsProxy: neonConfig.wsProxy,
        useSecureWebSocket: neonConfig.useSecureWebSocket,
        pipelineConnect: neonConfig.pipelineConnect,
        pipelineTLS: neonConfig.pipelineTLS,
      }).toEqual(before);
    } finally {
      await echo.close();
    }
  });
});
