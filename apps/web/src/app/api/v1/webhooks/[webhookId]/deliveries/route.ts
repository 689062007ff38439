import { listWebhookDeliveries } from "@trellis/api";
import { pageReply, restOperation, webhookOperations } from "@trellis/api/rest";

export const GET = restOperation(webhookOperations.listDeliveries, async ({ scope, path, query, url }) =>
  pageReply(url, await listWebhookDeliveries(scope, { ...query, webhookId: path.webhookId })),
);
