import {
  createSubscription,
  createSubscriptionInput,
  deleteSubscription,
  getRunCallbackSecret,
  getSubscriptionOrThrow,
  listNotificationDeliveries,
  listNotificationDeliveriesInput,
  listSubscriptions,
  notificationDeliveryIdInput,
  replayNotification,
  subscriptionIdInput,
} from "../services/notifications";
import { adminProcedure, router } from "../trpc";
import { scopeOf } from "./scope-of";

// Admins only, reading included: subscription URLs are often credentials
// themselves (chat webhooks), and the log shows them with every payload.
export const notificationSubscriptionRouter = router({
  list: adminProcedure.query(({ ctx }) => listSubscriptions(scopeOf(ctx))),
  get: adminProcedure.input(subscriptionIdInput).query(({ ctx, input }) => getSubscriptionOrThrow(scopeOf(ctx), input)),
  create: adminProcedure.input(createSubscriptionInput).mutation(({ ctx, input }) => createSubscription(scopeOf(ctx), input)),
  delete: adminProcedure.input(subscriptionIdInput).mutation(({ ctx, input }) => deleteSubscription(scopeOf(ctx), input)),
  callbackSecret: adminProcedure.query(({ ctx }) => getRunCallbackSecret(scopeOf(ctx))),
});

export const notificationDeliveryRouter = router({
  list: adminProcedure.input(listNotificationDeliveriesInput).query(({ ctx, input }) => listNotificationDeliveries(scopeOf(ctx), input)),
  replay: adminProcedure.input(notificationDeliveryIdInput).mutation(({ ctx, input }) => replayNotification(scopeOf(ctx), input)),
});
