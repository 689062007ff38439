/**
 * The run records both drivers write: runs, the step journal, the timeline.
 * Driver-agnostic: every function takes a database (`Sql`, a Drizzle
 * database or a handle) and does its work in one statement where it can.
 */
export {
  journalRowForStepResult,
  readJournal,
  writeJournal,
  type JournalEntry,
  type JournalStepInput,
  type JournalWrite,
  type JournalWriteResult,
  type LeaseState,
  type StepStatus,
  type StepWriteResult,
} from "./journal";
export {
  FINISHED_STATUSES,
  isFinished,
  outcomeOf,
  PARKED_STATUSES,
  runColumns,
  toRunRecord,
  type FinishedStatus,
  type RunError,
  type RunRecord,
  type RunRow,
  type RunStatus,
  type TriggerKind,
} from "./run-record";
export {
  appendRunEvents,
  engineEventToRunEvent,
  readRunEvents,
  runEventTypes,
  type RunEventInput,
  type RunEventRecord,
  type RunEventType,
} from "./run-events";
export {
  createRun,
  createGuardedRuns,
  createRuns,
  EMBEDDED_DRIVER,
  findRun,
  finishRun,
  finishRuns,
  transitionRun,
  type CreatedRun,
  type FinishedRun,
  type FinishRun,
  type ExecutedRun,
  type NewRun,
  type GuardedRun,
  type RunGuard,
  type TransitionRun,
} from "./runs";
