import { z } from "zod";
import {
  createSubscriptionInput,
  listNotificationDeliveriesInput,
  notificationDeliveryIdSchema,
  notificationDeliverySchema,
  subscriptionIdSchema,
  subscriptionSchema,
  subscriptionWithSecretSchema,
} from "../../services/notifications";
import { defineOperation, restPageSchema } from "../operation";

const subscriptionPath = z.object({ subscriptionId: subscriptionIdSchema });
const deliveryPath = z.object({ deliveryId: notificationDeliveryIdSchema });
const tag = "Notifications";

export const notificationOperations = {
  listSubscriptions: defineOperation({
    id: "listNotificationSubscriptions",
    method: "GET",
    path: "/notification-subscriptions",
    scope: "notifications:read",
    tag,
    resource: "Subscription",
    summary: "List the URLs subscribed to run outcomes",
    success: { status: 200, description: "The subscriptions (never their secrets)", schema: z.object({ items: z.array(subscriptionSchema) }) },
  }),
  createSubscription: defineOperation({
    id: "createNotificationSubscription",
    method: "POST",
    path: "/notification-subscriptions",
    scope: "notifications:write",
    tag,
    resource: "Subscription",
    summary: "Subscribe a URL to run.succeeded, run.failed and/or run.dead_lettered",
    description:
      "Each event is POSTed signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) and retried with back-off until the URL answers 2xx. The signing secret is in this answer only.",
    body: createSubscriptionInput,
    success: { status: 201, description: "The subscription and its secret", schema: subscriptionWithSecretSchema, headers: ["Location"] },
  }),
  getSubscription: defineOperation({
    id: "getNotificationSubscription",
    method: "GET",
    path: "/notification-subscriptions/{subscriptionId}",
    scope: "notifications:read",
    tag,
    resource: "Subscription",
    summary: "Get a subscription",
    params: subscriptionPath,
    success: { status: 200, description: "The subscription", schema: subscriptionSchema },
  }),
  deleteSubscription: defineOperation({
    id: "deleteNotificationSubscription",
    method: "DELETE",
    path: "/notification-subscriptions/{subscriptionId}",
    scope: "notifications:write",
    tag,
    resource: "Subscription",
    summary: "Unsubscribe (its pending deliveries are given up)",
    params: subscriptionPath,
    success: { status: 204, description: "Deleted" },
  }),
  callbackSecret: defineOperation({
    id: "getRunCallbackSecret",
    method: "GET",
    path: "/notification-callback-secret",
    scope: "notifications:write",
    tag,
    resource: "Secret",
    summary: "The secret that signs notifications sent to runs' callback URLs",
    success: { status: 200, description: "The workspace's callback signing secret", schema: z.object({ secret: z.string() }) },
  }),
  listDeliveries: defineOperation({
    id: "listNotificationDeliveries",
    method: "GET",
    path: "/notification-deliveries",
    scope: "notifications:read",
    tag,
    resource: "Notification delivery",
    summary: "The notification log: every event sent, its attempts and outcome",
    query: listNotificationDeliveriesInput,
    success: { status: 200, description: "A page of deliveries", schema: restPageSchema(notificationDeliverySchema), headers: ["Link"] },
  }),
  replayDelivery: defineOperation({
    id: "replayNotificationDelivery",
    method: "POST",
    path: "/notification-deliveries/{deliveryId}/replays",
    scope: "notifications:write",
    tag,
    resource: "Notification delivery",
    summary: "Send a notification again",
    description: "The delivery goes back to pending with a fresh set of attempts; its webhook-id stays the same.",
    params: deliveryPath,
    success: { status: 200, description: "The delivery, pending again", schema: notificationDeliverySchema },
  }),
};
