import { replayWebhookDelivery } from "@trellis/api";
import { restOperation, webhookOperations } from "@trellis/api/rest";

export const POST = restOperation(webhookOperations.replayDelivery, async ({ scope, path }) => {
  const delivery = await replayWebhookDelivery(scope, path);
  return { body: delivery, headers: { location: `/api/v1/webhooks/${path.webhookId}/deliveries/${delivery.id}` } };
});
