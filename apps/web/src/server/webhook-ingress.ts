import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@trellis/config/errors";
import { answerWebhookDelivery, type WebhookRequest } from "@trellis/api";
import { tooLarge } from "@trellis/api/rest";

/**
 * Webhook ingress served from the Node.js request itself: the same
 * `answerWebhookDelivery` the route module (src/app/api/hooks/[slug]) calls
 * with a web Request, without building that Request and its Response, which
 * cost a tenth of the server's time at volume.
 */
export async function serveWebhookDelivery(req: IncomingMessage, res: ServerResponse, slug: string): Promise<void> {
  const answer = await answerWebhookDelivery(webhookRequestOf(req), slug);
  // A body left unread (refused before it was read, or past the limit) is not waited for on this connection.
  if (!req.complete) answer.headers.connection = "close";
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

const headerValue = (value: string | string[] | undefined): string | null => (value === undefined ? null : Array.isArray(value) ? value.join(", ") : value);

/** A Node.js request as ingress reads it: its headers as parsed (names lower-cased), its body read up to a limit. */
export function webhookRequestOf(req: IncomingMessage): WebhookRequest {
  return {
    method: req.method ?? "GET",
    url: new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`),
    headers: {
      get: (name) => headerValue(req.headers[name.toLowerCase()]),
      // In name order, as a web Headers iterates, so the log reads the same whichever way the request came.
      forEach: (callback) => {
        for (const name of Object.keys(req.headers).sort()) {
          const value = headerValue(req.headers[name]);
          if (value !== null) callback(value, name);
        }
      },
    },
    body: (limit) => readBody(req, limit),
  };
}

/** Reads the body up to `limit` bytes; past them stops keeping it (the rest is discarded as it comes) and rejects. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new AppError("BAD_REQUEST", "The connection closed before the whole body arrived"));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  });
}
