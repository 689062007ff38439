import { listRuns } from "@trellis/api";
import { pageReply, restOperation, runOperations } from "@trellis/api/rest";

export const GET = restOperation(runOperations.list, async ({ scope, query, url }) => pageReply(url, await listRuns(scope, query)));
