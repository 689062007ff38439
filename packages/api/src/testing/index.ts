export { callerFor, workspaceWithRoles } from "./callers";
export { rejection } from "./errors";
export { apiKeyWithScopes, restCaller, type RestCallOptions } from "./rest";
export { peersBody, peersWorkload, storedDeliveries, webhookFixture } from "./webhooks";
export { webhookServerPerSuite } from "./webhook-server";
export { configureRateLimits, createMemoryLimiter } from "../rate-limit";
export { publishedWorkflow, runDefinitions } from "./runs";
