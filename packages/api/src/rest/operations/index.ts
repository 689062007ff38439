import type { OperationSpec } from "../operation";
import { nodeTypeOperations } from "./node-types";
import { notificationOperations } from "./notifications";
import { runOperations } from "./runs";
import { scheduleOperations } from "./schedules";
import { secretOperations } from "./secrets";
import { templateOperations } from "./templates";
import { versionOperations } from "./versions";
import { webhookOperations } from "./webhooks";
import { workflowOperations } from "./workflows";
import { workspaceOperations } from "./workspace";

export {
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
};

/** Every REST operation, in the order the reference lists them. */
export const allOperations: readonly OperationSpec[] = [
  ...Object.values(workspaceOperations),
  ...Object.values(workflowOperations),
  ...Object.values(versionOperations),
  ...Object.values(runOperations),
  ...Object.values(templateOperations),
  ...Object.values(nodeTypeOperations),
  ...Object.values(secretOperations),
  ...Object.values(scheduleOperations),
  ...Object.values(webhookOperations),
  ...Object.values(notificationOperations),
];
