import { approvalBeforePayout } from "./approval-before-payout";
import { delayedFollowUp } from "./delayed-follow-up";
import { forEachItem } from "./for-each-item";
import { routeByEventType } from "./route-by-event-type";
import { scheduledHealthCheck } from "./scheduled-health-check";
import type { WorkflowTemplate } from "./template";
import { waitForPayment } from "./wait-for-payment";
import { webhookToApi } from "./webhook-to-api";

export type { WorkflowTemplate } from "./template";

/** The built-in templates, in the order the gallery shows them. */
export const workflowTemplates: readonly WorkflowTemplate[] = [
  webhookToApi,
  scheduledHealthCheck,
  approvalBeforePayout,
  forEachItem,
  waitForPayment,
  routeByEventType,
  delayedFollowUp,
];
