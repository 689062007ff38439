import { z } from "zod";
import { definitionProblemSchema, definitionProblems, definitionSchema } from "./workflow-definition";
import type { DataScope } from "./scope";
import {
  concurrencyLimitSchema,
  getWorkflowOrThrow,
  insertWorkflow,
  workflowDescriptionSchema,
  workflowNameSchema,
  workflowSchema,
  type workflowIdInput,
  type WorkflowView,
} from "./workflows";

export const WORKFLOW_EXPORT_FORMAT = "trellis.workflow";
export const WORKFLOW_EXPORT_VERSION = 1;

/**
 * A workflow as a portable JSON document: what export writes and import
 * reads. Versions, runs and ids stay behind; the draft travels.
 */
export const workflowExportSchema = z.object({
  format: z.literal(WORKFLOW_EXPORT_FORMAT, { error: `Not a Trellis workflow export: format must be "${WORKFLOW_EXPORT_FORMAT}"` }),
  formatVersion: z.literal(WORKFLOW_EXPORT_VERSION, {
    error: `Unsupported format version: this Trellis reads version ${WORKFLOW_EXPORT_VERSION}`,
  }),
  exportedAt: z.iso.datetime().optional(),
  name: workflowNameSchema,
  description: workflowDescriptionSchema.default(""),
  concurrencyLimit: concurrencyLimitSchema.default(null),
  definition: definitionSchema,
});
export type WorkflowExport = z.output<typeof workflowExportSchema>;

export const importWorkflowResultSchema = z.object({
  workflow: workflowSchema,
  problems: z.array(definitionProblemSchema).meta({
    description: "What the compiler says about the imported draft; it is kept either way and must be fixed before publishing",
  }),
});

export async function exportWorkflow(scope: DataScope, input: z.infer<typeof workflowIdInput>): Promise<WorkflowExport> {
  const workflow = await getWorkflowOrThrow(scope, input);
  return {
    format: WORKFLOW_EXPORT_FORMAT,
    formatVersion: WORKFLOW_EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    name: workflow.name,
    description: workflow.description,
    concurrencyLimit: workflow.concurrencyLimit,
    definition: workflow.definition,
  };
}

/**
 * Creates a workflow from an export. The document's shape was validated at
 * the edge (field errors name paths such as `definition.nodes.2.type`); the
 * compiler's problems come back beside the new workflow, because a draft may
 * be imported unfinished and fixed in the editor.
 */
export async function importWorkflow(scope: DataScope, document: WorkflowExport): Promise<{ workflow: WorkflowView; problems: ReturnType<typeof definitionProblems> }> {
  const workflow = await insertWorkflow(scope, document);
  return { workflow, problems: definitionProblems(document.definition) };
}
