/**
 * @trellis/runtime: durable execution of workflow runs.
 *
 * - The embedded driver (`startEmbeddedRuntime`): workers claiming runs from
 *   PostgreSQL under leases, a step journal, parking, a waker, the scheduler
 *   and the retention job. See ARCHITECTURE.md.
 * - The run lifecycle services the API exposes (start, cancel, pause, resume,
 *   retry, retry from a node, events and approvals, dead letters, delete).
 * - The run records both drivers write (`@trellis/runtime/records`).
 * - The run event bus live views subscribe to.
 */
export { startEmbeddedRuntime, type EmbeddedRuntime, type EmbeddedRuntimeOptions } from "./embedded/runtime";
export { Batcher } from "./embedded/batcher";
export { executesUnfinishedHere } from "./embedded/local-workers";
export type { ResolveRunContext, RunContextExtras } from "./embedded/run-execution";
export { PlanCache, sharedPlanCache, VersionCompileError, type CompiledVersion } from "./embedded/plan-cache";

export { getRunOrThrow, type RunRef } from "./lifecycle/run-loader";
export { executeBeforeCreating, launchRuns, prepareRunStarts, startRun, startRuns, type PreparedStart, MAX_BATCH_RUNS, PRIORITY_RANGE, type StartRunInput, type StartRunItem, type StartRunsInput } from "./lifecycle/start-run";
export { cancelRun, deleteRun, pauseRun, resumeRun } from "./lifecycle/run-control";
export { previewRetryFromNode, retryFromNode, retryRun, type RetryFromNodeInput, type RetryFromNodePreview } from "./lifecycle/retry";
export type { ReusedSteps } from "./lifecycle/retry-from-node";
export {
  decideApproval,
  listPendingApprovals,
  sendEvent,
  type DecideApprovalInput,
  type PendingApproval,
  type SendEventInput,
  type SentEvent,
} from "./lifecycle/run-events-delivery";
export { dismissDeadLetteredRun, listDeadLetteredRuns, replayDeadLetteredRun, type DeadLetterPage } from "./lifecycle/dead-letters";

export { fireDueSchedules, scheduleRunKey, scheduledInput, type ScheduleTickResult } from "./scheduler/scheduler";
export { deleteExpiredDeliveries, deleteExpiredRuns, type RetentionBatchOptions } from "./retention/retention";

export { closeRunEventBus, getRunEventBus, RunEventBus, watchRunEvents, type RunEventFilter, type RunEventListener } from "./bus/run-event-bus";
export { acquireNotificationListener, type NotificationListener } from "./bus/notification-listener";
export { CONFIG_CHANNEL, ConfigCache, invalidateConfig, startConfigCaches, type ConfigChange } from "./bus/config-cache";
export type { RunEventNotice, RunOutcomeSnapshot } from "./bus/channels";

export { sqlForDatabase, sqlForHandle, toSql, type Db, type Sql, type Statement } from "./sql/sql-client";
export { toDate, toDateOrNull } from "./sql/values";
export * from "./records";
export * from "./inngest";
