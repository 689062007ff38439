import { createSubscription, listSubscriptions } from "@trellis/api";
import { notificationOperations, restOperation } from "@trellis/api/rest";

export const GET = restOperation(notificationOperations.listSubscriptions, async ({ scope }) => ({ body: { items: await listSubscriptions(scope) } }));

export const POST = restOperation(notificationOperations.createSubscription, async ({ scope, body }) => {
  const subscription = await createSubscription(scope, body);
  return { body: subscription, headers: { location: `/api/v1/notification-subscriptions/${subscription.id}` } };
});
