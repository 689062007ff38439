import { getAppDatabase, type DatabaseHandle } from "@trellis/db";
import { startNotificationWorker, type NotificationWorker, type NotificationWorkerOptions } from "@trellis/runtime/notifications";
import { notificationSigningSecrets } from "../services/notifications";

/**
 * Starts the notification delivery worker on the app's database (or
 * `handle`), signing with the secrets the API encrypted. The web server's
 * instrumentation starts it beside the embedded runtime; `stop()` on
 * shutdown. Options are those of the runtime's worker (attempts, back-off…).
 */
export async function startNotificationDelivery(
  options: { handle?: DatabaseHandle } & Omit<NotificationWorkerOptions, "db" | "signingSecret"> = {},
): Promise<NotificationWorker> {
  const { handle: given, ...rest } = options;
  const handle = given ?? (await getAppDatabase());
  return startNotificationWorker({ ...rest, db: handle, signingSecret: notificationSigningSecrets(handle.db) });
}
