import { deleteSubscription, getSubscriptionOrThrow } from "@trellis/api";
import { notificationOperations, restOperation } from "@trellis/api/rest";

export const GET = restOperation(notificationOperations.getSubscription, async ({ scope, path }) => ({ body: await getSubscriptionOrThrow(scope, path) }));

export const DELETE = restOperation(notificationOperations.deleteSubscription, async ({ scope, path }) => {
  await deleteSubscription(scope, path);
});
