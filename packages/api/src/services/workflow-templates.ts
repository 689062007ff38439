import { z } from "zod";
import { notFound } from "@trellis/config/errors";
import { workflowTemplates, type WorkflowTemplate } from "../templates";
import type { DataScope } from "./scope";
import { definitionSchema } from "./workflow-definition";
import { insertWorkflow, workflowNameSchema, type WorkflowView } from "./workflows";

export const templateIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, "Unknown template");
export const templateIdInput = z.object({ templateId: templateIdSchema });
export const createFromTemplateBody = z.object({
  name: workflowNameSchema.optional().meta({ description: "Defaults to the template's name" }),
});
export const createFromTemplateInput = templateIdInput.extend(createFromTemplateBody.shape);

export const templateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  secrets: z.array(z.string()).meta({ description: "Secrets the template refers to; create them before the first run" }),
  triggerType: z.string(),
  nodeCount: z.number().int(),
});
export const templateSchema = templateSummarySchema.extend({ definition: definitionSchema });
export type TemplateSummary = z.output<typeof templateSummarySchema>;

function summary(template: WorkflowTemplate): TemplateSummary {
  const trigger = template.definition.nodes.find((n) => n.type.startsWith("trigger."));
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    category: template.category,
    secrets: template.secrets,
    triggerType: trigger?.type ?? "trigger.manual",
    nodeCount: template.definition.nodes.length,
  };
}

export function listTemplates(): TemplateSummary[] {
  return workflowTemplates.map(summary);
}

function templateOrThrow(templateId: string): WorkflowTemplate {
  const template = workflowTemplates.find((t) => t.id === templateId);
  if (!template) throw notFound("Template");
  return template;
}

export function getTemplateOrThrow(input: z.infer<typeof templateIdInput>) {
  const template = templateOrThrow(input.templateId);
  return { ...summary(template), definition: definitionSchema.parse(template.definition) };
}

/** A new, unpublished workflow whose draft is the template's definition. */
export function createWorkflowFromTemplate(scope: DataScope, input: z.infer<typeof createFromTemplateInput>): Promise<WorkflowView> {
  const template = templateOrThrow(input.templateId);
  return insertWorkflow(scope, {
    name: input.name ?? template.name,
    description: template.description,
    definition: definitionSchema.parse(template.definition),
  });
}
