import { logger } from "@trellis/config/logger";
import { INNGEST_DRIVER } from "../inngest/events";
import { selectedDriver } from "../inngest/selection";
import type { CreatedRun } from "../records/runs";
import type { Db } from "../sql/sql-client";
import type { SendEventInput, SentEvent } from "./run-events-delivery";

// What the lifecycle services tell Inngest, when it is the selected driver
// (see ../inngest/ARCHITECTURE.md). The Inngest modules are imported on first
// use: the embedded driver never loads the SDK, and the driver's modules,
// which import the lifecycle, form no import cycle with it.

const inngestServices = () => import("../inngest/services");

const inngestSelected = () => selectedDriver() === INNGEST_DRIVER;

/** After `cancelRun` cancelled `runIds` (the run and its unfinished descendants); false when Inngest is not the driver. */
export async function tellInngestOfCancel(db: Db, runIds: readonly string[]): Promise<boolean> {
  if (!inngestSelected()) return false;
  await (await inngestServices()).notifyInngestOfCancel(db, runIds);
  return true;
}

/** After `resumeRun` resumed `runId`. */
export async function tellInngestOfResume(db: Db, runId: string): Promise<void> {
  if (!inngestSelected()) return;
  await (await inngestServices()).notifyInngestOfResume(db, runId);
}

/** At the end of `sendEvent` (which `decideApproval` calls). */
export async function tellInngestOfEvent(db: Db, input: SendEventInput, sent: SentEvent): Promise<void> {
  if (!inngestSelected() || sent.runIds.length === 0) return;
  await (await inngestServices()).notifyInngestOfEvent(db, input, sent);
}

/**
 * Sends the start events of runs just created on the Inngest driver by a
 * service that creates records only (start, retry, replay), once committed.
 * A run whose event is not sent stays queued for the schedules function's
 * outbox sweep, so a failure here is only logged. Child runs are started by
 * their parent's `step.invoke`, never by an event.
 */
export async function dispatchNewInngestRuns(db: Db, created: readonly CreatedRun[]): Promise<void> {
  const runs = created.filter(({ run, created: isNew }) => isNew && run.driver === INNGEST_DRIVER && run.status === "queued" && run.triggerKind !== "invoke");
  if (runs.length === 0) return;
  try {
    const { getInngestDriver } = await import("../inngest/driver");
    await getInngestDriver().dispatch(
      db,
      runs.map(({ run }) => run),
    );
  } catch (error) {
    logger().warn({ err: error, runIds: runs.map(({ run }) => run.id) }, "sending new runs to Inngest failed; the outbox sweep sends them");
  }
}
