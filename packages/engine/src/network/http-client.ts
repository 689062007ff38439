import http from "node:http";
import https from "node:https";
import type net from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import { NonRetryableError } from "../errors";

export interface HttpSendOptions {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  signal: AbortSignal;
  lookup: net.LookupFunction;
  maxResponseBytes: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
}

function decoder(
  encoding: string | undefined,
): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

function flattenHeaders(
  headers: http.IncomingHttpHeaders,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * One request, no redirects followed. `agent: false` gives every request its
 * own socket: a pooled socket opened under another run's allow-list must never
 * be reused to reach a private address.
 */
export function sendHttpRequest(
  options: HttpSendOptions,
): Promise<HttpResponse> {
  const client = options.url.protocol === "https:" ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = client.request(options.url, {
      method: options.method,
      headers: options.body
        ? { ...options.headers, "content-length": String(options.body.length) }
        : options.headers,
      lookup: options.lookup,
      signal: options.signal,
      agent: false,
    });
    request.on("error", reject);
    request.on("response", (response) => {
      const decoded = decoder(response.headers["content-encoding"]);
      const stream: Readable = decoded ? response.pipe(decoded) : response;
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (error: unknown) => {
        response.destroy();
        reject(error);
      };
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          fail(
            new NonRetryableError(
              `response exceeds ${options.maxResponseBytes} bytes`,
              { code: "response_too_large" },
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", fail);
      response.on("error", fail);
      stream.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          headers: flattenHeaders(response.headers),
          body: Buffer.concat(chunks),
        }),
      );
    });
    request.end(options.body ?? undefined);
  });
}
