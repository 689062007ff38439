import { rotateWebhookSecret } from "@trellis/api";
import { restOperation, webhookOperations } from "@trellis/api/rest";

export const POST = restOperation(webhookOperations.rotateSecret, async ({ scope, path, body }) => ({
  body: await rotateWebhookSecret(scope, { ...body, webhookId: path.webhookId }),
}));
