/** The run outcomes a workspace can subscribe to. */
export const notificationEvents = ["run.succeeded", "run.failed", "run.dead_lettered"] as const;
export type NotificationEvent = (typeof notificationEvents)[number];
