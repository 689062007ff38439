/**
 * The Inngest driver (production): the `workflow-run` function executing runs
 * node by node as Inngest steps, the schedules function, starting runs on
 * Inngest and the hooks the run lifecycle calls. See ARCHITECTURE.md.
 */
export {
  createInngestClient,
  createInngestDriver,
  DEFAULT_WORKFLOW_CONCURRENCY,
  getInngestDriver,
  inngestClient,
  inngestFunctions,
  selectedDriver,
  type InngestDriver,
  type InngestDriverOptions,
} from "./driver";
export { dispatchQueuedRuns, dispatchRuns, runRequestedEvent, type DispatchableRun, type InngestEventPayload, type InngestSender } from "./dispatch";
export {
  INNGEST_APP_ID,
  INNGEST_DRIVER,
  INNGEST_EVENTS,
  inngestPriority,
  SCHEDULES_FUNCTION_ID,
  WORKFLOW_RUN_FUNCTION_ID,
  type RunEventData,
  type RunRequestedData,
  type RunSignalData,
} from "./events";
export { waitExpression } from "./expressions";
export {
  notifyInngestOfCancel,
  notifyInngestOfEvent,
  notifyInngestOfResume,
  startRunOnInngest,
  startRunOnSelectedDriver,
  startRunsOnInngest,
  startRunsOnSelectedDriver,
} from "./services";
export type { WorkflowRunOutcome } from "./run-function";
