import { z } from "zod";
import { apiScopeSchema } from "../../scopes";
import { defineOperation } from "../operation";

export const workspaceSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  runRetentionDays: z.number().int(),
  createdAt: z.date(),
  scopes: z.array(apiScopeSchema).meta({ description: "What the calling key may do" }),
});

export const workspaceOperations = {
  get: defineOperation({
    id: "getWorkspace",
    method: "GET",
    path: "/workspace",
    scope: "workspace:read",
    tag: "Workspace",
    resource: "Workspace",
    summary: "The workspace the API key belongs to",
    success: { status: 200, description: "The workspace and the key's scopes", schema: workspaceSchema },
  }),
};
