import { sendRunEvent } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.sendEvent, async ({ scope, body }) => ({ body: await sendRunEvent(scope, body) }));
