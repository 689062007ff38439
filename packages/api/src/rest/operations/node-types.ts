import { z } from "zod";
import { nodeTestResultSchema, nodeTypeInput, nodeTypeSchema, testNodeBody } from "../../services/node-types";
import { defineOperation } from "../operation";

const tag = "Node types";

export const nodeTypeOperations = {
  list: defineOperation({
    id: "listNodeTypes",
    method: "GET",
    path: "/node-types",
    scope: "workflows:read",
    tag,
    resource: "Node type",
    summary: "List node types with their config and output JSON Schemas",
    success: { status: 200, description: "Every node type", schema: z.object({ items: z.array(nodeTypeSchema) }) },
  }),
  get: defineOperation({
    id: "getNodeType",
    method: "GET",
    path: "/node-types/{type}",
    scope: "workflows:read",
    tag,
    resource: "Node type",
    summary: "Get one node type",
    params: nodeTypeInput,
    success: { status: 200, description: "The node type", schema: nodeTypeSchema },
  }),
  test: defineOperation({
    id: "testNode",
    method: "POST",
    path: "/node-types/{type}/tests",
    scope: "workflows:write",
    tag,
    resource: "Node type",
    summary: "Run one node once with a config and an input",
    description:
      "Uses the workspace's secrets (masked in the result). Sleeps end at once and waits receive `event` or time out at once. An invalid config answers 422 with `problems`; a node that runs and fails answers 200 with `ok: false`.",
    params: nodeTypeInput,
    body: testNodeBody,
    success: { status: 200, description: "What the node did", schema: nodeTestResultSchema },
    errors: [422],
  }),
};
