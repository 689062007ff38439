import { getWebhookDeliveryOrThrow } from "@trellis/api";
import { restOperation, webhookOperations } from "@trellis/api/rest";

export const GET = restOperation(webhookOperations.getDelivery, async ({ scope, path }) => ({ body: await getWebhookDeliveryOrThrow(scope, path) }));
