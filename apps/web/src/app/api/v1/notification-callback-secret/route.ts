import { getRunCallbackSecret } from "@trellis/api";
import { notificationOperations, restOperation } from "@trellis/api/rest";

export const GET = restOperation(notificationOperations.callbackSecret, async ({ scope }) => ({ body: getRunCallbackSecret(scope) }));
