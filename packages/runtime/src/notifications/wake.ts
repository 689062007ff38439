import { EventEmitter } from "node:events";
import type { Sql } from "../sql/sql-client";

declare global {
  var __trellisNotificationSignals: EventEmitter<{ due: [] }> | undefined;
}

/**
 * Tells this process's notification workers that deliveries were enqueued,
 * so they need not wait for their next poll. On globalThis because Next.js
 * loads instrumentation and route handlers as separate module graphs.
 */
export function notificationSignals(): EventEmitter<{ due: [] }> {
  if (!globalThis.__trellisNotificationSignals) {
    const emitter = new EventEmitter<{ due: [] }>();
    emitter.setMaxListeners(0);
    globalThis.__trellisNotificationSignals = emitter;
  }
  return globalThis.__trellisNotificationSignals;
}

/** PostgreSQL channel announcing enqueued deliveries to workers in other processes. */
export const NOTIFICATIONS_DUE_CHANNEL = "trellis_notifications_due";

/**
 * Wakes notification workers once deliveries are committed: this process's
 * at once, other processes' through a NOTIFY sent outside the transaction (a
 * NOTIFY inside it would serialise commits; see the runtime's Notifier).
 */
export function announceDue(sql: Sql): void {
  notificationSignals().emit("due");
  sql.notify(NOTIFICATIONS_DUE_CHANNEL, "due");
}
