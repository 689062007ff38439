import { deleteWebhook, getWebhookOrThrow, updateWebhook } from "@trellis/api";
import { restOperation, webhookOperations } from "@trellis/api/rest";

export const GET = restOperation(webhookOperations.get, async ({ scope, path }) => ({ body: await getWebhookOrThrow(scope, path) }));

export const PATCH = restOperation(webhookOperations.update, async ({ scope, path, body }) => ({
  body: await updateWebhook(scope, { ...body, webhookId: path.webhookId }),
}));

export const DELETE = restOperation(webhookOperations.delete, async ({ scope, path }) => {
  await deleteWebhook(scope, path);
});
