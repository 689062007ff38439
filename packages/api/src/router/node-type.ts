import { getNodeTypeOrThrow, listNodeTypes, nodeTypeInput, testNodeInput, testNodeType } from "../services/node-types";
import { editorProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

export const nodeTypeRouter = router({
  list: viewerProcedure.query(() => listNodeTypes()),
  get: viewerProcedure.input(nodeTypeInput).query(({ input }) => getNodeTypeOrThrow(input)),
  test: editorProcedure.input(testNodeInput).mutation(({ ctx, input }) => testNodeType(scopeOf(ctx), input)),
});
