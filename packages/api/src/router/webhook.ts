import {
  createWebhook,
  createWebhookInput,
  deleteWebhook,
  deliveryIdInput,
  getWebhookDeliveryOrThrow,
  getWebhookOrThrow,
  listDeliveriesInput,
  listWebhookDeliveries,
  listWebhooks,
  listWebhooksInput,
  replayWebhookDelivery,
  rotateWebhookSecret,
  rotateWebhookSecretInput,
  updateWebhook,
  updateWebhookInput,
  webhookIdInput,
} from "../services/webhooks";
import { adminProcedure, editorProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

// Configurations hold signing secrets, so admins manage them. Anyone who can
// see runs can see what started them (the delivery log); replaying starts a
// run, which editors may do.
export const webhookRouter = router({
  list: viewerProcedure.input(listWebhooksInput).query(({ ctx, input }) => listWebhooks(scopeOf(ctx), input)),
  get: viewerProcedure.input(webhookIdInput).query(({ ctx, input }) => getWebhookOrThrow(scopeOf(ctx), input)),
  create: adminProcedure.input(createWebhookInput).mutation(({ ctx, input }) => createWebhook(scopeOf(ctx), input)),
  update: adminProcedure.input(updateWebhookInput).mutation(({ ctx, input }) => updateWebhook(scopeOf(ctx), input)),
  delete: adminProcedure.input(webhookIdInput).mutation(({ ctx, input }) => deleteWebhook(scopeOf(ctx), input)),
  rotateSecret: adminProcedure.input(rotateWebhookSecretInput).mutation(({ ctx, input }) => rotateWebhookSecret(scopeOf(ctx), input)),
  deliveries: viewerProcedure.input(listDeliveriesInput).query(({ ctx, input }) => listWebhookDeliveries(scopeOf(ctx), input)),
  delivery: viewerProcedure.input(deliveryIdInput).query(({ ctx, input }) => getWebhookDeliveryOrThrow(scopeOf(ctx), input)),
  replayDelivery: editorProcedure.input(deliveryIdInput).mutation(({ ctx, input }) => replayWebhookDelivery(scopeOf(ctx), input)),
});
