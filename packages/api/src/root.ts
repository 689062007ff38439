import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "./router/account";
import { apiKeyRouter } from "./router/api-key";
import { inviteRouter } from "./router/invite";
import { memberRouter } from "./router/member";
import { nodeTypeRouter } from "./router/node-type";
import { notificationDeliveryRouter, notificationSubscriptionRouter } from "./router/notification";
import { runRouter } from "./router/run";
import { scheduleRouter } from "./router/schedule";
import { secretRouter } from "./router/secret";
import { templateRouter } from "./router/template";
import { webhookRouter } from "./router/webhook";
import { workflowRouter } from "./router/workflow";
import { workflowVersionRouter } from "./router/workflow-version";
import { workspaceRouter } from "./router/workspace";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  account: accountRouter,
  workspace: workspaceRouter,
  member: memberRouter,
  invite: inviteRouter,
  apiKey: apiKeyRouter,
  workflow: workflowRouter,
  workflowVersion: workflowVersionRouter,
  run: runRouter,
  template: templateRouter,
  nodeType: nodeTypeRouter,
  secret: secretRouter,
  schedule: scheduleRouter,
  webhook: webhookRouter,
  notificationSubscription: notificationSubscriptionRouter,
  notificationDelivery: notificationDeliveryRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process (server components, tests). */
export const createCaller = createCallerFactory(appRouter);
