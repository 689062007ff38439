import { z } from "zod";
import { workflowSchema } from "../../services/workflows";
import { createFromTemplateBody, templateIdSchema, templateSchema, templateSummarySchema } from "../../services/workflow-templates";
import { defineOperation } from "../operation";

const templatePath = z.object({ templateId: templateIdSchema });
const tag = "Templates";

export const templateOperations = {
  list: defineOperation({
    id: "listTemplates",
    method: "GET",
    path: "/templates",
    scope: "workflows:read",
    tag,
    resource: "Template",
    summary: "List the built-in workflow templates",
    success: { status: 200, description: "The templates", schema: z.object({ items: z.array(templateSummarySchema) }) },
  }),
  get: defineOperation({
    id: "getTemplate",
    method: "GET",
    path: "/templates/{templateId}",
    scope: "workflows:read",
    tag,
    resource: "Template",
    summary: "Get a template with its definition",
    params: templatePath,
    success: { status: 200, description: "The template", schema: templateSchema },
  }),
  createWorkflow: defineOperation({
    id: "createWorkflowFromTemplate",
    method: "POST",
    path: "/templates/{templateId}/workflows",
    scope: "workflows:write",
    tag,
    resource: "Template",
    summary: "Create a workflow from a template",
    params: templatePath,
    body: createFromTemplateBody,
    success: { status: 201, description: "The new workflow", schema: workflowSchema, headers: ["Location", "ETag"] },
  }),
};
