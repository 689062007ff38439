import { z } from "zod";
import { workflowSchema } from "../../services/workflows";
import {
  compareQuery,
  publishBody,
  publishedVersionSchema,
  versionComparisonSchema,
  versionNumberSchema,
  versionPageSchema,
  versionSchema,
  versionsPageQuery,
} from "../../services/workflow-versions";
import { defineOperation } from "../operation";
import { workflowPath } from "./workflows";

const versionPath = workflowPath.extend({ number: versionNumberSchema });
const tag = "Versions";

export const draftBody = z.object({
  fromVersion: versionNumberSchema.meta({ description: "The version whose definition becomes the draft" }),
});

export const versionOperations = {
  publish: defineOperation({
    id: "publishVersion",
    method: "POST",
    path: "/workflows/{workflowId}/versions",
    scope: "workflows:write",
    tag,
    resource: "Workflow",
    summary: "Publish the draft as a new version",
    description: "Compiles the draft; problems answer 422 with `problems`. With If-Match, publishes only that revision of the draft.",
    params: workflowPath,
    ifMatch: "optional",
    body: publishBody.omit({ expectedRevision: true }),
    success: { status: 201, description: "The new immutable version", schema: publishedVersionSchema, headers: ["Location"] },
    errors: [422],
  }),
  list: defineOperation({
    id: "listVersions",
    method: "GET",
    path: "/workflows/{workflowId}/versions",
    scope: "workflows:read",
    tag,
    resource: "Workflow",
    summary: "List a workflow's versions, newest first",
    params: workflowPath,
    query: versionsPageQuery,
    success: { status: 200, description: "A page of versions", schema: versionPageSchema.extend({ next: z.string().nullable() }), headers: ["Link"] },
  }),
  get: defineOperation({
    id: "getVersion",
    method: "GET",
    path: "/workflows/{workflowId}/versions/{number}",
    scope: "workflows:read",
    tag,
    resource: "Version",
    summary: "Get a version with its definition",
    params: versionPath,
    success: { status: 200, description: "The version", schema: versionSchema },
  }),
  compare: defineOperation({
    id: "compareVersions",
    method: "GET",
    path: "/workflows/{workflowId}/diff",
    scope: "workflows:read",
    tag,
    resource: "Workflow",
    summary: "Compare two versions",
    description: "Nodes added, removed and changed (with the changed config paths) and edges added and removed, from `from` to `to`.",
    params: workflowPath,
    query: compareQuery,
    success: { status: 200, description: "The structured difference", schema: versionComparisonSchema },
  }),
  restore: defineOperation({
    id: "restoreVersion",
    method: "PUT",
    path: "/workflows/{workflowId}/draft",
    scope: "workflows:write",
    tag,
    resource: "Workflow",
    summary: "Replace the draft with an old version's definition",
    description: "Nothing published changes; the workflow gets a new revision.",
    params: workflowPath,
    ifMatch: "required",
    body: draftBody,
    success: { status: 200, description: "The workflow with the restored draft", schema: workflowSchema, headers: ["ETag"] },
  }),
};
