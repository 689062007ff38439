import type { Json, SerializedError } from "@trellis/engine";
import type { RunStatus, TriggerKind } from "@trellis/db/schema";
import type { RunOutcomeSnapshot } from "../bus/channels";
import { toDate, toDateOrNull } from "../sql/values";

export type { RunStatus, TriggerKind };

/** Statuses a run never leaves. */
export const FINISHED_STATUSES = ["succeeded", "failed", "cancelled"] as const satisfies readonly RunStatus[];
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];
/** Statuses of a run no worker holds: a state change applies at once. */
export const PARKED_STATUSES = ["queued", "sleeping", "waiting", "paused"] as const satisfies readonly RunStatus[];

export function isFinished(status: RunStatus): status is FinishedStatus {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

/** What `runs.error` holds: the engine's serialized error plus where it happened. */
export type RunError = SerializedError & { nodeId?: string; stepId?: string };

/** A run as the runtime and the API see it. */
export interface RunRecord {
  id: string;
  workspaceId: string;
  workflowId: string;
  versionId: string;
  status: RunStatus;
  triggerKind: TriggerKind;
  input: Json | null;
  output: Json | null;
  error: RunError | null;
  priority: number;
  idempotencyKey: string | null;
  parentRunId: string | null;
  originRunId: string | null;
  restartFromNodeId: string | null;
  attempt: number;
  driver: string;
  wakeAt: Date | null;
  cancelRequestedAt: Date | null;
  pauseRequestedAt: Date | null;
  deadLetteredAt: Date | null;
  dismissedAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * The `runs` columns every statement returning a run selects (qualify with a
 * table alias as needed); lists leave the input and output out.
 */
export function runColumns(alias: string, options: { withoutPayloads?: boolean } = {}): string {
  return [
    "id",
    "workspace_id",
    "workflow_id",
    "version_id",
    "status",
    "trigger_kind",
    "input",
    "output",
    "error",
    "priority",
    "idempotency_key",
    "parent_run_id",
    "origin_run_id",
    "restart_from_node_id",
    "attempt",
    "driver",
    "wake_at",
    "cancel_requested_at",
    "pause_requested_at",
    "dead_lettered_at",
    "dismissed_at",
    "created_at",
    "started_at",
    "finished_at",
  ]
    .filter((column) => !options.withoutPayloads || (column !== "input" && column !== "output"))
    .map((column) => `${alias}.${column}`)
    .join(", ");
}

export interface RunRow {
  id: string;
  workspace_id: string;
  workflow_id: string;
  version_id: string;
  status: RunStatus;
  trigger_kind: TriggerKind;
  input: Json | null;
  output: Json | null;
  error: RunError | null;
  priority: number;
  idempotency_key: string | null;
  parent_run_id: string | null;
  origin_run_id: string | null;
  restart_from_node_id: string | null;
  attempt: number;
  driver: string;
  wake_at: unknown;
  cancel_requested_at: unknown;
  pause_requested_at: unknown;
  dead_lettered_at: unknown;
  dismissed_at: unknown;
  created_at: unknown;
  started_at: unknown;
  finished_at: unknown;
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    workflowId: row.workflow_id,
    versionId: row.version_id,
    status: row.status,
    triggerKind: row.trigger_kind,
    input: row.input ?? null,
    output: row.output ?? null,
    error: row.error ?? null,
    priority: Number(row.priority),
    idempotencyKey: row.idempotency_key,
    parentRunId: row.parent_run_id,
    originRunId: row.origin_run_id,
    restartFromNodeId: row.restart_from_node_id,
    attempt: Number(row.attempt),
    driver: row.driver,
    wakeAt: toDateOrNull(row.wake_at),
    cancelRequestedAt: toDateOrNull(row.cancel_requested_at),
    pauseRequestedAt: toDateOrNull(row.pause_requested_at),
    deadLetteredAt: toDateOrNull(row.dead_lettered_at),
    dismissedAt: toDateOrNull(row.dismissed_at),
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

/** How a finished run ended, as listeners of its notice and result-mode answers take it; null while it is not finished. */
export function outcomeOf(run: Pick<RunRecord, "status" | "output" | "error">): RunOutcomeSnapshot | null {
  return isFinished(run.status) ? { status: run.status, output: run.output, error: run.error } : null;
}
