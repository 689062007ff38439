export { createContext, type Context, type SessionUser } from "./context";
export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from "./root";
export { apiScopes, type ApiScope } from "./scopes";
export { authenticateApiKey, type ApiKeyPrincipal } from "./services/api-keys";
export { getWorkspaceOrThrow } from "./services/workspace-info";
export type { DataScope } from "./services/scope";

// Services the REST adapter calls (the same ones the tRPC routers call).
export {
  createWorkflow,
  deleteWorkflow,
  duplicateWorkflow,
  getWorkflowOrThrow,
  listWorkflows,
  updateWorkflow,
  type WorkflowSummary,
  type WorkflowView,
} from "./services/workflows";
export { exportWorkflow, importWorkflow, type WorkflowExport } from "./services/workflow-export";
export { getWorkflowStats } from "./services/workflow-stats";
export { createWorkflowFromTemplate, getTemplateOrThrow, listTemplates } from "./services/workflow-templates";
export { compareVersions, getVersionOrThrow, listVersions, publishVersion, restoreVersion } from "./services/workflow-versions";
export { diffDefinitions, type DefinitionDiff } from "./services/definition-diff";
export {
  cancelWorkflowRun,
  decideRunApproval,
  deleteWorkflowRun,
  dismissDeadLetter,
  getRunDetailOrThrow,
  listDeadLetters,
  listRunApprovals,
  listRunEvents,
  listRuns,
  pauseWorkflowRun,
  previewRunRetry,
  replayDeadLetter,
  resumeWorkflowRun,
  retryWorkflowRun,
  sendRunEvent,
  startWorkflowRun,
  startWorkflowRunBatch,
  type RunDetail,
  type RunSummary,
  type RunView,
  type StartedRun,
} from "./services/runs";
export { followRunEvents, followRunStatuses, type LiveScope } from "./services/run-live";
export { getNodeTypeOrThrow, listNodeTypes, testNodeType } from "./services/node-types";
export { createSecret, deleteSecret, listSecrets, resolveWorkspaceSecrets, rotateSecret } from "./services/secrets";
export { createSchedule, deleteSchedule, getScheduleOrThrow, listSchedules, updateSchedule } from "./services/schedules";
export { workflowTemplates, type WorkflowTemplate } from "./templates";
export {
  createWebhook,
  deleteWebhook,
  getWebhookDeliveryOrThrow,
  getWebhookOrThrow,
  listWebhookDeliveries,
  listWebhooks,
  replayWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookDeliveryView,
  type WebhookView,
  type WebhookWithSecret,
} from "./services/webhooks";
export {
  createSubscription,
  deleteSubscription,
  getRunCallbackSecret,
  getSubscriptionOrThrow,
  listNotificationDeliveries,
  listSubscriptions,
  replayNotification,
  type NotificationDeliveryView,
  type SubscriptionView,
} from "./services/notifications";

// Webhook ingress (the /api/hooks/[slug] route) and outbound notification delivery.
export { answerWebhookDelivery, handleWebhookDelivery, MAX_RESULT_WAIT_MS, type WebhookAnswer, type WebhookRequest } from "./webhooks/ingress";
export { startNotificationDelivery } from "./webhooks/notification-delivery";
export { resolvePolicies } from "./rate-limit/policies";
