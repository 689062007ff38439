import {
  compareVersions,
  compareVersionsInput,
  getVersionOrThrow,
  listVersions,
  listVersionsInput,
  publishVersion,
  publishVersionInput,
  restoreVersion,
  restoreVersionInput,
  versionInput,
} from "../services/workflow-versions";
import { editorProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

export const workflowVersionRouter = router({
  publish: editorProcedure.input(publishVersionInput).mutation(({ ctx, input }) => publishVersion(scopeOf(ctx), input)),
  list: viewerProcedure.input(listVersionsInput).query(({ ctx, input }) => listVersions(scopeOf(ctx), input)),
  get: viewerProcedure.input(versionInput).query(({ ctx, input }) => getVersionOrThrow(scopeOf(ctx), input)),
  restore: editorProcedure.input(restoreVersionInput).mutation(({ ctx, input }) => restoreVersion(scopeOf(ctx), input)),
  compare: viewerProcedure.input(compareVersionsInput).query(({ ctx, input }) => compareVersions(scopeOf(ctx), input)),
});
