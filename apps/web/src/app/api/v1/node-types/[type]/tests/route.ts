import { testNodeType } from "@trellis/api";
import { nodeTypeOperations, restOperation } from "@trellis/api/rest";

export const POST = restOperation(nodeTypeOperations.test, async ({ scope, path, body }) => ({
  body: await testNodeType(scope, { ...body, type: path.type }),
}));
