import type { SendEventInput, SentEvent } from "../lifecycle/run-events-delivery";
import { startRun, startRuns, type StartRunInput, type StartRunsInput } from "../lifecycle/start-run";
import type { CreatedRun } from "../records/runs";
import { toSql, type Db } from "../sql/sql-client";
import { getInngestDriver, selectedDriver } from "./driver";
import { inngestRunsAmong } from "./run-records";

// The Inngest driver's services with the process's driver (configured from
// the environment), for the API and the run lifecycle to call. See
// ARCHITECTURE.md beside this file for where the lifecycle must call the
// notifications.

/**
 * Starts a run on Inngest: creates its record (driver "inngest") and sends its
 * start event. Call it outside a transaction (the event must not reach Inngest
 * before the record is committed); see ARCHITECTURE.md.
 */
export function startRunOnInngest(db: Db, input: Omit<StartRunInput, "driver">): Promise<CreatedRun> {
  return getInngestDriver().startRun(db, input);
}

export function startRunsOnInngest(db: Db, input: Omit<StartRunsInput, "driver">): Promise<CreatedRun[]> {
  return getInngestDriver().startRuns(db, input);
}

/** Starts a run on the configured driver: Inngest when it is configured, the embedded driver otherwise. */
export function startRunOnSelectedDriver(db: Db, input: Omit<StartRunInput, "driver">): Promise<CreatedRun> {
  return selectedDriver() === "inngest" ? startRunOnInngest(db, input) : startRun(db, input);
}

export function startRunsOnSelectedDriver(db: Db, input: Omit<StartRunsInput, "driver">): Promise<CreatedRun[]> {
  return selectedDriver() === "inngest" ? startRunsOnInngest(db, input) : startRuns(db, input);
}

// The notifications return at once, without creating an Inngest client, when
// none of the runs is on the Inngest driver.

/** Call after `cancelRun` cancelled `runIds` (the run and its unfinished children). */
export async function notifyInngestOfCancel(db: Db, runIds: readonly string[]): Promise<void> {
  const sql = toSql(db);
  if ((await inngestRunsAmong(sql, runIds)).length === 0) return;
  await getInngestDriver().afterRunsCancelled(sql, runIds);
}

/** Call after `resumeRun` resumed `runId`. */
export async function notifyInngestOfResume(db: Db, runId: string): Promise<void> {
  const sql = toSql(db);
  if ((await inngestRunsAmong(sql, [runId])).length === 0) return;
  await getInngestDriver().afterRunResumed(sql, runId);
}

/** Call at the end of `sendEvent`, with what it delivered. */
export async function notifyInngestOfEvent(db: Db, input: SendEventInput, sent: SentEvent): Promise<void> {
  const sql = toSql(db);
  if ((await inngestRunsAmong(sql, sent.runIds)).length === 0) return;
  await getInngestDriver().afterEventSent(sql, input, sent);
}
