/**
 * Outbound notifications of run outcomes: the outbox a finished run writes
 * (`enqueueRunNotifications`), the worker that delivers it, and replay. See
 * ARCHITECTURE.md beside this file.
 */
export { enqueueRunNotifications } from "./enqueue";
export { notificationEvents, type NotificationEvent } from "./events";
export { replayNotificationDelivery } from "./replay";
export { createOutboundGuard, type OutboundGuard } from "./ssrf";
export {
  notificationBackoffMs,
  startNotificationWorker,
  type NotificationWorker,
  type NotificationWorkerOptions,
  type SigningSecretRequest,
  type SigningSecretResolver,
} from "./worker";
