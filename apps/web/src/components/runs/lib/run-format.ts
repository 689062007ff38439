import type { RouterOutputs } from "@trellis/api";

/** A run in the list, as `run.list` and `run.statusChanges` answer it. */
export type RunSummary = RouterOutputs["run"]["list"]["items"][number];
/** A run with its journal and pending approvals, as `run.get` answers it. */
export type RunDetail = RouterOutputs["run"]["get"];
export type RunStatus = RunSummary["status"];
export type TriggerKind = RunSummary["triggerKind"];

export const RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "sleeping", "waiting", "paused", "succeeded", "failed", "cancelled"];
export const TRIGGER_KINDS: readonly TriggerKind[] = ["manual", "webhook", "schedule", "api", "retry", "invoke", "replay"];

const FINISHED: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** Whether a run has ended (it can be retried or deleted, no longer cancelled). */
export function isFinished(status: RunStatus): boolean {
  return FINISHED.has(status);
}

export const statusLabel: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  sleeping: "Sleeping",
  waiting: "Waiting",
  paused: "Paused",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const triggerLabel: Record<TriggerKind, string> = {
  manual: "Manual",
  webhook: "Webhook",
  schedule: "Schedule",
  api: "API",
  retry: "Retry",
  invoke: "Invoked",
  replay: "Replay",
};

/** "85 ms", "1.4 s", "2 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** How long a run has taken: until it finished, or until `now` while it runs; null before it started. */
export function runDurationMs(run: { startedAt: Date | null; finishedAt: Date | null }, now: number): number | null {
  if (!run.startedAt) return null;
  return Math.max(0, (run.finishedAt?.getTime() ?? now) - run.startedAt.getTime());
}

/** The first characters of an id, enough to tell runs apart in a list. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
