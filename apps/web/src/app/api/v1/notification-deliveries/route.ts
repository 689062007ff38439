import { listNotificationDeliveries } from "@trellis/api";
import { notificationOperations, pageReply, restOperation } from "@trellis/api/rest";

export const GET = restOperation(notificationOperations.listDeliveries, async ({ scope, query, url }) => pageReply(url, await listNotificationDeliveries(scope, query)));
