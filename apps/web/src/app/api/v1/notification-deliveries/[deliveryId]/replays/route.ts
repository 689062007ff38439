import { replayNotification } from "@trellis/api";
import { notificationOperations, restOperation } from "@trellis/api/rest";

export const POST = restOperation(notificationOperations.replayDelivery, async ({ scope, path }) => ({ body: await replayNotification(scope, path) }));
