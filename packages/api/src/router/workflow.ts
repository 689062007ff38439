import { checkDefinition, checkDefinitionInput } from "../services/workflow-definition";
import { importWorkflow, exportWorkflow, workflowExportSchema } from "../services/workflow-export";
import { getWorkflowStats, workflowStatsInput } from "../services/workflow-stats";
import { createFromTemplateInput, createWorkflowFromTemplate } from "../services/workflow-templates";
import {
  createWorkflow,
  createWorkflowInput,
  deleteWorkflow,
  duplicateWorkflow,
  duplicateWorkflowInput,
  getWorkflowOrThrow,
  listWorkflows,
  listWorkflowsInput,
  updateWorkflow,
  updateWorkflowInput,
  workflowIdInput,
} from "../services/workflows";
import { editorProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

export const workflowRouter = router({
  list: viewerProcedure.input(listWorkflowsInput).query(({ ctx, input }) => listWorkflows(scopeOf(ctx), input)),
  get: viewerProcedure.input(workflowIdInput).query(({ ctx, input }) => getWorkflowOrThrow(scopeOf(ctx), input)),
  create: editorProcedure.input(createWorkflowInput).mutation(({ ctx, input }) => createWorkflow(scopeOf(ctx), input)),
  update: editorProcedure.input(updateWorkflowInput).mutation(({ ctx, input }) => updateWorkflow(scopeOf(ctx), input)),
  delete: editorProcedure.input(workflowIdInput).mutation(({ ctx, input }) => deleteWorkflow(scopeOf(ctx), input)),
  duplicate: editorProcedure.input(duplicateWorkflowInput).mutation(({ ctx, input }) => duplicateWorkflow(scopeOf(ctx), input)),
  export: viewerProcedure.input(workflowIdInput).query(({ ctx, input }) => exportWorkflow(scopeOf(ctx), input)),
  import: editorProcedure.input(workflowExportSchema).mutation(({ ctx, input }) => importWorkflow(scopeOf(ctx), input)),
  createFromTemplate: editorProcedure.input(createFromTemplateInput).mutation(({ ctx, input }) => createWorkflowFromTemplate(scopeOf(ctx), input)),
  /** Compiles a draft for the editor: the compiler's problems and schedule triggers' next fire times. */
  check: viewerProcedure.input(checkDefinitionInput).query(({ input }) => checkDefinition(input)),
  stats: viewerProcedure.input(workflowStatsInput).query(({ ctx, input }) => getWorkflowStats(scopeOf(ctx), input)),
});
