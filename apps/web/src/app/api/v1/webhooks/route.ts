import { createWebhook, listWebhooks } from "@trellis/api";
import { restOperation, webhookOperations } from "@trellis/api/rest";

export const GET = restOperation(webhookOperations.list, async ({ scope, query }) => ({ body: { items: await listWebhooks(scope, query) } }));

export const POST = restOperation(webhookOperations.create, async ({ scope, body }) => {
  const webhook = await createWebhook(scope, body);
  return { body: webhook, headers: { location: `/api/v1/webhooks/${webhook.id}` } };
});
