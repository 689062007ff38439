import type { Sql } from "../sql/sql-client";
import { CHANNELS, formatRunEventNotice, type RunEventNotice } from "./channels";
import { announceRunControl, announceRunEvents, announceRunsQueued } from "./local-signals";

// Announcements of committed changes: at once to this process's listeners,
// and (coalesced, outside any transaction) to other processes through NOTIFY.
// Call these from `afterCommit` callbacks.

/** Other processes' live views learn of new run events at most this much later, in exchange for far fewer NOTIFYs. */
export const RUN_EVENTS_NOTIFY_DELAY_MS = 20;

export function publishRunEvents(sql: Sql, notices: readonly RunEventNotice[]): void {
  if (notices.length === 0) return;
  announceRunEvents([...notices]);
  for (const notice of notices) sql.notify(CHANNELS.runEvents, formatRunEventNotice(notice), RUN_EVENTS_NOTIFY_DELAY_MS);
}

export function publishRunsQueued(sql: Sql): void {
  announceRunsQueued();
  sql.notify(CHANNELS.runsQueued, "");
}

export function publishRunControl(sql: Sql, runIds: readonly string[]): void {
  if (runIds.length === 0) return;
  announceRunControl([...runIds]);
  for (const runId of runIds) sql.notify(CHANNELS.runControl, runId);
}
