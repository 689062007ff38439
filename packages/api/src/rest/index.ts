export { readBytesLimited, readJsonBody, readTextLimited, tooLarge } from "./body";
export { buildOpenApiDocument, openApiDocument, problemSchema } from "./openapi";
export { defineOperation, etagOf, pageReply, restOperation, restPageSchema, type OperationContext, type OperationReply, type OperationSpec } from "./operation";
export {
  allOperations,
  nodeTypeOperations,
  notificationOperations,
  runOperations,
  scheduleOperations,
  secretOperations,
  templateOperations,
  versionOperations,
  webhookOperations,
  workflowOperations,
  workspaceOperations,
} from "./operations";
export { HttpProblem, problemCatalog, problemResponse, problemType, type Problem } from "./problem";
export { requestIdFrom } from "./request-id";
export { json, restRoute, type RestContext } from "./route";
