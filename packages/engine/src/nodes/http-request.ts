import { z } from "zod";
import { EngineError, InvalidConfigError, NonRetryableError } from "../errors";
import type { Json } from "../json";
import {
  HttpRequestError,
  HttpStatusError,
  HttpTimeoutError,
} from "../network/errors";
import { sendHttpRequest, type HttpResponse } from "../network/http-client";
import {
  assertUrlHostAllowed,
  compileAllowList,
  createGuardedLookup,
} from "../network/ssrf-guard";
import { defineNode, IN, OUT } from "./types";

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const HttpConfigSchema = z.object({
  method: z
    .enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
    .default("GET"),
  url: z
    .string()
    .min(1)
    .describe("May use {{ }} templates, including {{ secrets.NAME }}"),
  headers: z.record(z.string(), Scalar).default({}),
  query: z.record(z.string(), Scalar).default({}),
  body: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("json"), value: z.json() }),
      z.object({
        type: z.literal("form"),
        value: z.record(z.string(), Scalar),
      }),
      z.object({
        type: z.literal("text"),
        value: z.string(),
        contentType: z.string().optional(),
      }),
    ])
    .optional(),
  timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
  responseType: z.enum(["auto", "json", "text"]).default("auto"),
  failOnNon2xx: z.boolean().default(true),
  followRedirects: z.boolean().default(true),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  maxResponseBytes: z
    .number()
    .int()
    .min(1)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024),
});
type HttpConfig = z.output<typeof HttpConfigSchema>;

function buildUrl(config: HttpConfig): URL {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new InvalidConfigError(`"${config.url}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidConfigError(
      `only http and https URLs are allowed, not ${url.protocol}`,
    );
  }
  for (const [key, value] of Object.entries(config.query))
    url.searchParams.append(key, String(value));
  return url;
}

function encodeBody(
  config: HttpConfig,
  headers: Record<string, string>,
): Buffer | null {
  const body = config.body;
  if (!body) return null;
  const setType = (type: string) => {
    headers["content-type"] ??= type;
  };
  if (body.type === "json") {
    setType("application/json");
    return Buffer.from(JSON.stringify(body.value));
  }
  if (body.type === "form") {
    setType("application/x-www-form-urlencoded");
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(body.value))
      form.append(key, String(value));
    return Buffer.from(form.toString());
  }
  setType(body.contentType ?? "text/plain; charset=utf-8");
  return Buffer.from(body.value);
}

function retryAfterMs(value: string | undefined): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function parseBody(
  response: HttpResponse,
  responseType: HttpConfig["responseType"],
): Json {
  if (response.body.length === 0) return null;
  const type = response.headers["content-type"]?.toLowerCase() ?? "";
  const text = response.body.toString("utf8");
  const looksJson = type.includes("application/json") || type.includes("+json");
  if (responseType === "json" || (responseType === "auto" && looksJson)) {
    try {
      return JSON.parse(text) as Json;
    } catch {
      if (responseType === "json")
        throw new NonRetryableError("response body is not valid JSON", {
          code: "invalid_response",
        });
    }
  }
  return text;
}

/**
 * Follows redirects itself so that every hop goes through the SSRF guard
 * (a public URL redirecting to 169.254.169.254 is refused like a direct one).
 */
async function request(
  config: HttpConfig,
  url: URL,
  headers: Record<string, string>,
  body: Buffer | null,
  signal: AbortSignal,
  allowed: readonly string[],
) {
  const allowList = compileAllowList(allowed);
  const lookup = createGuardedLookup(allowList);
  let method: string = config.method;
  let current = url;
  for (let hop = 0; ; hop++) {
    assertUrlHostAllowed(allowList, current);
    const response = await sendHttpRequest({
      url: current,
      method,
      headers,
      body,
      signal,
      lookup,
      maxResponseBytes: config.maxResponseBytes,
    });
    const location = response.headers.location;
    if (!config.followRedirects || !REDIRECTS.has(response.status) || !location)
      return { response, url: current };
    if (hop >= config.maxRedirects)
      throw new NonRetryableError(
        `more than ${config.maxRedirects} redirects`,
        { code: "too_many_redirects" },
      );
    const next = new URL(location, current);
    if (next.protocol !== "http:" && next.protocol !== "https:")
      throw new NonRetryableError(`redirect to ${next.protocol} refused`);
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) &&
        method === "POST")
    ) {
      method = "GET";
      body = null;
      delete headers["content-type"];
    }
    if (next.origin !== current.origin) delete headers.authorization;
    current = next;
  }
}

export const httpRequestNode = defineNode({
  type: "http.request",
  title: "HTTP request",
  category: "action",
  description:
    "Calls an HTTP API. Private and metadata addresses are refused unless the workspace allows the host.",
  icon: "globe",
  inputs: IN,
  outputs: OUT,
  configSchema: HttpConfigSchema,
  outputSchema: z.object({
    status: z.number(),
    statusText: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.json(),
    url: z.string(),
  }),
  async run(ctx) {
    const { config } = ctx;
    const url = buildUrl(config);
    const headers: Record<string, string> = {
      "user-agent": "Trellis",
      "accept-encoding": "gzip, deflate, br",
    };
    for (const [name, value] of Object.entries(config.headers))
      headers[name.toLowerCase()] = String(value);
    headers["idempotency-key"] ??= ctx.idempotencyKey;
    const body = encodeBody(config, headers);

    const timeout = AbortSignal.timeout(config.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    let result: Awaited<ReturnType<typeof request>>;
    try {
      result = await request(
        config,
        url,
        headers,
        body,
        signal,
        ctx.network.allowedHosts,
      );
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (timeout.aborted) throw new HttpTimeoutError(config.timeoutMs);
      if (error instanceof EngineError) throw error;
      const code = String((error as { code?: unknown }).code ?? "");
      if (code.startsWith("ERR_INVALID"))
        throw new InvalidConfigError(
          `invalid request: ${(error as Error).message}`,
        );
      throw new HttpRequestError(
        `${config.method} ${url.origin} failed: ${(error as Error).message}`,
        error,
      );
    }
    const { response } = result;
    ctx.logger.info(
      `${config.method} ${result.url.href} -> ${response.status}`,
    );
    const ok = response.status >= 200 && response.status < 300;
    if (!ok && config.failOnNon2xx) {
      throw new HttpStatusError(
        response.status,
        `${config.method} ${result.url.href} answered ${response.status} ${response.statusText}`,
        {
          retryAfterMs: retryAfterMs(response.headers["retry-after"]),
          body: response.body.toString("utf8").slice(0, 2_000),
        },
      );
    }
    return {
      output: {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body: parseBody(response, config.responseType),
        url: result.url.href,
      },
    };
  },
});
