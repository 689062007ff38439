import type { Logger } from "@trellis/config/logger";
import type { SendEventInput, SentEvent } from "../lifecycle/run-events-delivery";
import { isFinished } from "../records/run-record";
import { finishRun } from "../records/runs";
import { toSql, type Db } from "../sql/sql-client";
import type { InngestSender } from "./dispatch";
import { INNGEST_EVENTS, type RunEventData, type RunSignalData } from "./events";
import { inngestRunsAmong } from "./run-records";

// What the run lifecycle services must also tell Inngest about runs on the
// Inngest driver. The services change our records for both drivers alike;
// an embedded worker notices those changes by itself, an Inngest function
// run only through an event. Each hook looks the runs up first and does
// nothing for embedded runs, so the services can call it unconditionally.
//
// A hook never throws for a failed send: the records are already right, and
// the function finds them at its next step (a cancelled run's next write is
// refused, a resumed run's pause re-checks the database, a wait's result is
// already journaled by `sendEvent`). It only reacts later.

export interface HookDeps {
  send: InngestSender;
  logger: Logger;
}

async function sendQuietly(deps: HookDeps, what: string, events: { name: string; data: Record<string, unknown> }[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await deps.send(events);
  } catch (error) {
    deps.logger.warn({ err: error, events: events.map((event) => event.name) }, `telling Inngest that ${what} failed; the run notices from its records later`);
  }
}

/**
 * After `cancelRun`: runs on the Inngest driver end as cancelled in our
 * records at once (no worker holds them to do it at a step boundary), and
 * their function runs are cancelled through `cancelOn`.
 */
export async function afterRunsCancelled(db: Db, runIds: readonly string[], deps: HookDeps): Promise<void> {
  const sql = toSql(db);
  const runs = await inngestRunsAmong(sql, runIds);
  for (const run of runs) {
    if (!isFinished(run.status)) await finishRun(sql, { runId: run.id, status: "cancelled", data: { requested: true } });
  }
  const events = runs.map((run) => ({ name: INNGEST_EVENTS.runCancelled, data: { runId: run.id, workspaceId: run.workspace_id } satisfies RunSignalData }));
  await sendQuietly(deps, "runs were cancelled", events);
}

/** After `resumeRun`: a paused Inngest run waits for this event to carry on. */
export async function afterRunResumed(db: Db, runId: string, deps: HookDeps): Promise<void> {
  const runs = await inngestRunsAmong(toSql(db), [runId]);
  const events = runs.map((run) => ({ name: INNGEST_EVENTS.runResumed, data: { runId: run.id, workspaceId: run.workspace_id } satisfies RunSignalData }));
  await sendQuietly(deps, "a run was resumed", events);
}

/**
 * After `sendEvent` (and so after `decideApproval`): when the event resumed
 * waits of Inngest runs, it is forwarded to Inngest as `trellis/run.event`,
 * where each wait's `if` expression selects it by workspace, name, target
 * run and payload. Our records already hold the payload as the wait's
 * result; the event makes the function go on.
 */
export async function afterEventSent(db: Db, input: SendEventInput, sent: SentEvent, deps: HookDeps): Promise<void> {
  const runs = await inngestRunsAmong(toSql(db), sent.runIds);
  if (runs.length === 0) return;
  const data: RunEventData = { workspaceId: input.workspaceId, name: input.name, payload: input.payload ?? null, runId: input.runId ?? "" };
  await sendQuietly(deps, `event "${input.name}" was sent`, [{ name: INNGEST_EVENTS.runEvent, data }]);
}
