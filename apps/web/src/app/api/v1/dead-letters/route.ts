import { listDeadLetters } from "@trellis/api";
import { pageReply, restOperation, runOperations } from "@trellis/api/rest";

export const GET = restOperation(runOperations.deadLetters, async ({ scope, query, url }) => pageReply(url, await listDeadLetters(scope, query)));
