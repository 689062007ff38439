import { listNodeTypes } from "@trellis/api";
import { nodeTypeOperations, restOperation } from "@trellis/api/rest";

export const GET = restOperation(nodeTypeOperations.list, async () => ({ body: { items: listNodeTypes() } }));
