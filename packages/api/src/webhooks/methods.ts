import { HttpProblem } from "../rest/problem";

/**
 * The HTTP methods a webhook trigger can listen on (its `method` setting), as
 * n8n's Webhook node offers them: a webhook answers its configured method
 * only. POST, PUT and PATCH carry a body; GET and DELETE do not, and their
 * run reads the query parameters (`trigger.query`) instead.
 */
export const WEBHOOK_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

const BODYLESS: ReadonlySet<string> = new Set<WebhookMethod>(["GET", "DELETE"]);

/** The method a trigger's stored `method` setting names; POST (its default) when unset or unknown. */
export function webhookMethodOf(configured: unknown): WebhookMethod {
  return WEBHOOK_METHODS.find((method) => method === configured) ?? "POST";
}

/** Whether deliveries of this method carry no body (their body is neither read, checked for a content type, nor stored). */
export const isBodyless = (method: string) => BODYLESS.has(method);

/** 405 with the method the webhook's trigger listens on (send it as `Allow`). */
export function methodNotAllowed(requestMethod: string, allowed: WebhookMethod): HttpProblem {
  return new HttpProblem(405, "Method not allowed", "method-not-allowed", `This webhook's trigger listens for ${allowed} requests, not ${requestMethod}`);
}
