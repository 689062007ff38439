import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";

/**
 * A local stand-in for Upstash's REST endpoint in front of a real Redis, so
 * the real `@upstash/redis` + `@upstash/ratelimit` code runs offline: `POST /`
 * with a command array, `/pipeline` and `/multi-exec` with arrays of them,
 * bearer-token auth and the optional base64 response encoding.
 */
export interface UpstashRestAdapter {
  url: string;
  token: string;
  redis: Redis;
  close(): Promise<void>;
}

// Upstash's scripts start with a shebang line Redis 7.0 rejects.
const SHEBANG = /^#!lua[^\n]*\n/;
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

function encode(value: unknown, base64: boolean): unknown {
  if (!base64) return value;
  if (typeof value === "string") return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((v) => encode(v, base64));
  return value;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export async function startUpstashRestAdapter(options: { redisUrl?: string; db?: number } = {}): Promise<UpstashRestAdapter> {
  const redis = new Redis(options.redisUrl ?? "redis://127.0.0.1:6379", { db: options.db ?? 0, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const token = randomBytes(16).toString("hex");
  // The client's SHA of a script → the SHA of the copy Redis accepted.
  const strippedSha = new Map<string, string>();

  async function run(command: unknown[]): Promise<unknown> {
    const [name, ...rawArgs] = command.map((part) => (typeof part === "string" ? part : JSON.stringify(part)));
    const upper = String(name).toUpperCase();
    const args = rawArgs.map(String);
    if (upper === "EVAL" || (upper === "SCRIPT" && args[0]?.toUpperCase() === "LOAD")) {
      const scriptIndex = upper === "EVAL" ? 0 : 1;
      const original = args[scriptIndex] ?? "";
      const stripped = original.replace(SHEBANG, "");
      strippedSha.set(sha1(original), sha1(stripped));
      args[scriptIndex] = stripped;
      const result = await redis.call(upper === "EVAL" ? "EVAL" : "SCRIPT", ...(upper === "EVAL" ? args : ["LOAD", stripped]));
      return upper === "EVAL" ? result : sha1(original);
    }
    if (upper === "EVALSHA") {
      const mapped = strippedSha.get(args[0] ?? "");
      if (!mapped) throw new Error("NOSCRIPT No matching script. Please use EVAL.");
      return redis.call("EVALSHA", mapped, ...args.slice(1));
    }
    return redis.call(String(name), ...args);
  }

  const server: Server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { error: "Unauthorized" });
    const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    try {
      const body = await readJson(request);
      const path = (request.url ?? "/").split("?")[0];
      if (path === "/pipeline" || path === "/multi-exec") {
        const results = [];
        for (const command of body as unknown[][]) {
          try {
            results.push({ result: encode(await run(command), base64) });
          } catch (error) {
            results.push({ error: (error as Error).message });
          }
        }
        return send(200, results);
      }
      try {
        return send(200, { result: encode(await run(body as unknown[]), base64) });
      } catch (error) {
        return send(400, { error: (error as Error).message });
      }
    } catch (error) {
      return send(400, { error: `bad request: ${(error as Error).message}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    redis,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      redis.disconnect();
    },
  };
}
