import { z } from "zod";

/** The value of `runs.driver` for runs executed by the Inngest function. */
export const INNGEST_DRIVER = "inngest";

/** The Inngest app id: the name runs are grouped under in the Inngest dashboard. */
export const INNGEST_APP_ID = "trellis";

/** Function ids: stable across deployments, because Inngest keys its state by them. */
export const WORKFLOW_RUN_FUNCTION_ID = "workflow-run";
export const SCHEDULES_FUNCTION_ID = "workflow-schedules";

/**
 * The Inngest events of the driver. Each carries ids only: the run's input,
 * definition and results live in our database, which both drivers share.
 */
export const INNGEST_EVENTS = {
  /** Starts the `workflow-run` function for a run record that already exists. */
  runRequested: "trellis/run.requested",
  /** Cancels the function run of `runId` (its `cancelOn`). */
  runCancelled: "trellis/run.cancelled",
  /** Ends the pause of `runId` (the function waits for it while the run is paused). */
  runResumed: "trellis/run.resumed",
  /** An event sent to waiting runs (`wait.event`, approvals); matched by each wait's `if` expression. */
  runEvent: "trellis/run.event",
  /** A run of a workflow with a concurrency limit finished: runs waiting for room look again. */
  slotFreed: "trellis/workflow.slot_freed",
} as const;

const uuid = z.uuid();

/** Data of `trellis/run.requested`, and of the invocation `workflow.invoke` sends: what the function's configuration keys on. */
export const RunRequestedDataSchema = z.object({
  runId: uuid,
  workspaceId: uuid,
  workflowId: uuid,
  /** Inngest's scale, -600…600 (see `inngestPriority`). */
  priority: z.number().int().min(-600).max(600).default(0),
});
export type RunRequestedData = z.output<typeof RunRequestedDataSchema>;

export interface RunSignalData {
  runId: string;
  workspaceId: string;
  [key: string]: unknown;
}

/**
 * Data of `trellis/run.event`. `runId` is "" unless the sender restricted the
 * event to one run (as approvals do): Inngest expressions compare it with
 * `==`, so it is always present.
 */
export interface RunEventData {
  workspaceId: string;
  name: string;
  payload: unknown;
  runId: string;
  [key: string]: unknown;
}

/**
 * Our priorities run from -1000 to 1000 (higher first); Inngest's `priority.run`
 * expression must yield -600…600, the seconds a run may jump ahead of (or fall
 * behind) runs queued before it. Scaling keeps the order of any two runs.
 */
export function inngestPriority(priority: number): number {
  const scaled = Math.round(priority * 0.6);
  return Math.max(-600, Math.min(600, scaled));
}
