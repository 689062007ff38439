import net from "node:net";
import { neonConfig, type NeonConfig } from "@neondatabase/serverless";
import WebSocket, { WebSocketServer, type RawData } from "ws";

/**
 * What Neon's own wsproxy does in front of a Neon compute: accept a WebSocket
 * and pipe its bytes to a Postgres server over TCP. Running it locally lets
 * the production `@neondatabase/serverless` driver talk to the machine's
 * PostgreSQL, so the Neon code path is tested offline.
 */
export interface NeonProxy {
  readonly port: number;
  /** The value for `neonConfig.wsProxy` that routes the driver through this proxy. */
  wsProxy(host: string, port: number | string): string;
  /** Client connections currently piped to a server. */
  openConnections(): number;
  /** Client connections piped since the proxy started (it only ever grows). */
  acceptedConnections(): number;
  close(): Promise<void>;
}

export interface NeonProxyOptions {
  /**
   * Which server the proxy may open a socket to. The proxy listens on
   * loopback only, but it still should not be a general-purpose tunnel.
   */
  allow(host: string, port: number): boolean;
}

// Above this many bytes queued towards the client, stop reading from Postgres
// until the WebSocket drains (a large result must not pile up in memory).
const HIGH_WATER_MARK = 1024 * 1024;

export function parseProxyTarget(requestUrl: string | undefined): { host: string; port: number } | undefined {
  const address = new URL(requestUrl ?? "/", "http://proxy.invalid").searchParams.get("address");
  if (!address) return undefined;
  const colon = address.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(colon + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export async function startNeonProxy(options: NeonProxyOptions): Promise<NeonProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the Neon proxy expected a TCP address");
  const listenPort = address.port;
  const pipes = new Set<{ ws: WebSocket; socket: net.Socket }>();
  let accepted = 0;

  server.on("connection", (ws, request) => {
    const target = parseProxyTarget(request.url);
    if (!target || !options.allow(target.host, target.port)) {
      // 1008: policy violation, the closest WebSocket code for "not allowed".
      ws.close(1008, "target not allowed");
      return;
    }
    accepted += 1;
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const pipe = { ws, socket };
    pipes.add(pipe);

    ws.on("message", (data) => {
      // net.Socket queues writes made while it is still connecting, so the
      // driver's startup message may arrive before the TCP handshake ends.
      if (!socket.write(toBuffer(data)) && !ws.isPaused) {
        ws.pause();
        socket.once("drain", () => ws.resume());
      }
    });
    socket.on("data", (chunk) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(chunk, { binary: true }, () => {
        if (socket.isPaused() && ws.bufferedAmount < HIGH_WATER_MARK) socket.resume();
      });
      if (ws.bufferedAmount >= HIGH_WATER_MARK) socket.pause();
    });

    // `end` rather than `destroy`: the driver's final Terminate message must
    // still reach Postgres so the server ends the backend cleanly.
    ws.on("close", () => {
      pipes.delete(pipe);
      socket.end();
    });
    ws.on("error", () => {
      pipes.delete(pipe);
      socket.destroy();
    });
    socket.on("close", () => {
      pipes.delete(pipe);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    });
    socket.on("error", () => {
      // The close handler above tells the client; the driver reports the
      // dropped connection itself.
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port: listenPort,
    wsProxy: (host, port) =>
      `127.0.0.1:${listenPort}/v2?address=${encodeURIComponent(`${host.includes(":") ? `[${host}]` : host}:${port}`)}`,
    openConnections: () => pipes.size,
    acceptedConnections: () => accepted,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // WebSocketServer.close stops accepting but leaves open connections
        // alone; a connection left open would keep the process alive.
        for (const { ws, socket } of pipes) {
          ws.terminate();
          socket.destroy();
        }
        pipes.clear();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}

type ProxySettings = Pick<
  NeonConfig,
  "wsProxy" | "useSecureWebSocket" | "pipelineTLS" | "pipelineConnect" | "webSocketConstructor"
>;
const proxySettingKeys = [
  "wsProxy",
  "useSecureWebSocket",
  "pipelineTLS",
  "pipelineConnect",
  "webSocketConstructor",
] as const satisfies readonly (keyof ProxySettings)[];

interface SharedProxy {
  proxy: Promise<NeonProxy>;
  started?: NeonProxy;
  targets: Map<string, number>;
  users: number;
  savedSettings: Partial<ProxySettings>;
}

// neonConfig is global to the process, so every Neon test database in it has
// to share one proxy; the last one released closes it and puts neonConfig back.
let shared: SharedProxy | undefined;

const targetKey = (host: string, port: number) => `${host}:${port}`;

/**
 * Starts (or reuses) the process's Neon proxy, lets it reach `host:port` and
 * points `neonConfig` at it. Call the returned function exactly once when the
 * database using it is closed.
 */
export async function acquireNeonProxy(host: string, port: number): Promise<() => Promise<void>> {
  if (!shared) {
    const targets = new Map<string, number>();
    const savedSettings: Partial<ProxySettings> = {};
    for (const key of proxySettingKeys) {
      if (Object.hasOwn(neonConfig.opts, key)) Object.assign(savedSettings, { [key]: neonConfig.opts[key] });
    }
    shared = {
      proxy: startNeonProxy({ allow: (h, p) => targets.has(targetKey(h, p)) }),
      targets,
      users: 0,
      savedSettings,
    };
  }
  const current = shared;
  current.users += 1;
  const key = targetKey(host, port);
  current.targets.set(key, (current.targets.get(key) ?? 0) + 1);

  let proxy: NeonProxy;
  try {
    proxy = await current.proxy;
    current.started = proxy;
  } catch (error) {
    await releaseShared(current, key);
    throw error;
  }
  neonConfig.wsProxy = proxy.wsProxy;
  // The local server speaks plain TCP with trust auth: no TLS, and no
  // pipelined password message (which trust auth would reject as unexpected).
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.webSocketConstructor = WebSocket;

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await releaseShared(current, key);
  };
}

async function releaseShared(current: SharedProxy, key: string): Promise<void> {
  const remaining = (current.targets.get(key) ?? 1) - 1;
  if (remaining > 0) current.targets.set(key, remaining);
  else current.targets.delete(key);
  current.users -= 1;
  if (current.users > 0) return;
  if (shared === current) shared = undefined;
  for (const settingKey of proxySettingKeys) {
    if (Object.hasOwn(current.savedSettings, settingKey)) {
      Object.assign(neonConfig.opts, { [settingKey]: current.savedSettings[settingKey] });
    } else {
      delete neonConfig.opts[settingKey];
    }
  }
  const proxy = await current.proxy.catch(() => undefined);
  await proxy?.close();
}

/** The shared proxy's state, for tests that the harness routes through it and cleans up. */
export function neonProxyStatus(): { running: false } | { running: true; users: number; proxy: NeonProxy } {
  return shared?.started ? { running: true, users: shared.users, proxy: shared.started } : { running: false };
}
