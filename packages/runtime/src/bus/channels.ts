import { randomUUID } from "node:crypto";
import type { Json } from "@trellis/engine";
import type { RunError } from "../records/run-record";

/**
 * PostgreSQL notification channels. Payloads start with the origin of the
 * process that wrote them, so a process ignores its own notifications (it has
 * already delivered them in-process, without the round trip).
 */
export const CHANNELS = {
  /** `<origin>|<runId>,<workspaceId>,<lastEventId>;…`: new rows in run_events. */
  runEvents: "trellis_run_events",
  /** `<origin>|`: runs became queued; idle workers should claim. */
  runsQueued: "trellis_runs_queued",
  /** `<origin>|<runId>;…`: a run's cancel/pause request, delivered event or finished child. */
  runControl: "trellis_run_control",
} as const;

declare global {
  var __trellisRuntimeOrigin: string | undefined;
}

/** This process's origin token (shared by every bundle of a Next.js server through globalThis). */
export function processOrigin(): string {
  globalThis.__trellisRuntimeOrigin ??= randomUUID().slice(0, 13);
  return globalThis.__trellisRuntimeOrigin;
}

/** Splits `<origin>|<body>`; null for payloads this runtime did not write. */
export function splitPayload(payload: string): { origin: string; body: string } | null {
  const bar = payload.indexOf("|");
  if (bar <= 0) return null;
  return { origin: payload.slice(0, bar), body: payload.slice(bar + 1) };
}

/** A new event of a run: consumers fetch rows of the run with ids up to `eventId`. */
export interface RunEventNotice {
  runId: string;
  workspaceId: string;
  eventId: number;
  /** Among the events up to `eventId` is the one that ended the run: who waits for its outcome reads it now, not before. */
  finished?: boolean;
  /**
   * How the run ended, as committed: only on the notice the finishing process
   * announces to itself (NOTIFY does not carry it), so a waiter in that
   * process has nothing to read.
   */
  outcome?: RunOutcomeSnapshot;
}

/** A finished run's status with its output or error. */
export interface RunOutcomeSnapshot {
  status: "succeeded" | "failed" | "cancelled";
  output: Json | null;
  error: RunError | null;
}

/** A notice as NOTIFY carries it: `<run>,<workspace>,<event id>[,f]`. */
export function formatRunEventNotice(notice: RunEventNotice): string {
  return `${notice.runId},${notice.workspaceId},${notice.eventId}${notice.finished ? ",f" : ""}`;
}

export function parseRunEventNotices(body: string): RunEventNotice[] {
  const notices: RunEventNotice[] = [];
  for (const entry of body.split(";")) {
    const [runId, workspaceId, eventId, flag] = entry.split(",");
    if (!runId || !workspaceId || !eventId) continue;
    const id = Number(eventId);
    if (Number.isFinite(id)) notices.push(flag === "f" ? { runId, workspaceId, eventId: id, finished: true } : { runId, workspaceId, eventId: id });
  }
  return notices;
}

export function parseRunIds(body: string): string[] {
  return body.split(";").filter((id) => id.length > 0);
}
