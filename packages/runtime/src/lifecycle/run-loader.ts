import { AppError, notFound } from "@trellis/config/errors";
import { findRun } from "../records/runs";
import { isFinished, type RunRecord } from "../records/run-record";
import type { Db } from "../sql/sql-client";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs: a malformed one is as absent as an unknown one (and must not reach a uuid column). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Identifies a run of a workspace; every lifecycle service takes one. */
export interface RunRef {
  workspaceId: string;
  runId: string;
}

/** The run, or NOT_FOUND for a missing run and for another workspace's run alike. */
export async function getRunOrThrow(db: Db, ref: RunRef): Promise<RunRecord> {
  const run = isUuid(ref.runId) && isUuid(ref.workspaceId) ? await findRun(db, ref.workspaceId, ref.runId) : null;
  if (!run) throw notFound("Run");
  return run;
}

/** CONFLICT unless the run has finished: `what` completes "Only a finished run can …". */
export function assertFinished(run: RunRecord, what: string): void {
  if (!isFinished(run.status)) throw new AppError("CONFLICT", `The run is ${run.status}; only a finished run can ${what}`);
}
