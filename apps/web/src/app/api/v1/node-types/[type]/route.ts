import { getNodeTypeOrThrow } from "@trellis/api";
import { nodeTypeOperations, restOperation } from "@trellis/api/rest";

export const GET = restOperation(nodeTypeOperations.get, async ({ path }) => ({ body: getNodeTypeOrThrow(path) }));
