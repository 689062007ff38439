import http from "node:http";
import https from "node:https";
import { SsrfBlockedError } from "@trellis/engine";
import type { OutboundGuard } from "./ssrf";

/** What a receiver answered, or why nothing was answered. */
export type SendResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; retryable: boolean; retryAfterMs: number | null };

const MAX_ERROR_BODY = 500;

function retryAfterMs(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/**
 * POSTs one notification: no redirects followed (a redirect could lead past
 * the guard), a socket of its own (`agent: false`: a pooled socket opened to
 * an allowed host must not be reused for another), a timeout, and at most a
 * few hundred bytes of the answer kept for the log.
 */
export function postNotification(url: URL, headers: Record<string, string>, body: string, guard: OutboundGuard, timeoutMs: number): Promise<SendResult> {
  try {
    guard.assertUrl(url);
  } catch (error) {
    return Promise.resolve({ ok: false, status: null, error: (error as Error).message, retryable: false, retryAfterMs: null });
  }
  const client = url.protocol === "https:" ? https : http;
  const payload = Buffer.from(body);
  return new Promise((resolve) => {
    const request = client.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(payload.length) },
      lookup: guard.lookup,
      agent: false,
      timeout: timeoutMs,
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", (error: NodeJS.ErrnoException) => {
      // The guard's refusal arrives as a lookup error: retrying cannot change it.
      resolve({ ok: false, status: null, error: error.message, retryable: !(error instanceof SsrfBlockedError), retryAfterMs: null });
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on("data", (chunk: Buffer) => {
        if (kept < MAX_ERROR_BODY) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      response.on("error", (error) => resolve({ ok: false, status, error: error.message, retryable: true, retryAfterMs: null }));
      response.on("end", () => {
        if (status >= 200 && status < 300) return resolve({ ok: true, status });
        // NUL cannot be stored in a text column.
        const text = Buffer.concat(chunks).toString("utf8").slice(0, MAX_ERROR_BODY).replaceAll("\u0000", "");
        resolve({
          ok: false,
          status,
          error: `HTTP ${status}${text ? `: ${text}` : ""}`,
          retryable: true,
          retryAfterMs: retryAfterMs(response.headers["retry-after"]),
        });
      });
    });
    request.end(payload);
  });
}
