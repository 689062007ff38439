import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@trellis/config/errors";
import { answerWebhookDelivery, type WebhookRequest } from "@trellis/api";
import { tooLarge } from "@trellis/api/rest";
import { readBodyUpTo, type BodyUpTo } from "./node-body";

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
function webhookRequestOf(req: IncomingMessage): WebhookRequest {
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
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  let read: BodyUpTo;
  try {
    read = await readBodyUpTo(req, limit);
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") throw new AppError("BAD_REQUEST", "The connection closed before the whole body arrived");
    throw error;
  }
  if (read.complete) return read.body;
  req.resume();
  throw tooLarge(limit);
}
