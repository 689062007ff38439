import type { Json } from "@trellis/engine";
import { publishRunEvents } from "../bus/publish";
import type { JournalEntry } from "../records/journal";
import { noticesSql, parseNotices } from "../records/run-events";
import { EMBEDDED_DRIVER } from "../records/runs";
import { statement, type Sql } from "../sql/sql-client";
import { toDate } from "../sql/values";

/** A run this worker now holds, with everything needed to execute (or replay) it. */
export interface ClaimedRun {
  id: string;
  workspaceId: string;
  workflowId: string;
  versionId: string;
  input: Json;
  attempt: number;
  priority: number;
  originRunId: string | null;
  /** First claim's time: the run deadline and the engine's `run.startedAt` are measured from it on every replay. */
  startedAt: Date;
  /** It ran before (parked, paused, released or its worker died). */
  resumed: boolean;
  cancelRequested: boolean;
  pauseRequested: boolean;
  journal: Map<string, JournalEntry>;
  /**
   * Node entries already in the timeline, as `<type> <stepId> <attempt>`
   * (see `timelineKey`): the engine emits them again on replay.
   */
  timeline: Set<string>;
}

/** The key `ClaimedRun.timeline` holds for a node entry. */
export function timelineKey(type: string, stepId: string, attempt: number | undefined): string {
  return `${type} ${stepId} ${attempt ?? ""}`;
}

export interface ClaimResult {
  runs: ClaimedRun[];
  /** Runs of workflows with a concurrency limit are queued: claim those with `claimLimitedRuns`. */
  limitedPending: boolean;
}

// Shared tail of both claim statements: take the picked runs, open their timeline entry, load their journals.
function claimTail(): string {
  return `claimed AS (
     UPDATE runs r SET status = 'running', lease_owner = $1, lease_expires_at = now() + ($3::int * interval '1 millisecond'),
       started_at = coalesce(r.started_at, now()), wake_at = NULL, updated_at = now()
     FROM picked WHERE r.id = picked.id
     RETURNING r.id, r.workspace_id, r.workflow_id, r.version_id, r.input, r.attempt, r.priority, r.origin_run_id, r.started_at,
       r.cancel_requested_at IS NOT NULL AS cancel, r.pause_requested_at IS NOT NULL AS pause, picked.previous_start IS NOT NULL AS resumed
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, data)
     SELECT id, workspace_id, CASE WHEN resumed THEN 'run.resumed' ELSE 'run.started' END, jsonb_build_object('worker', $1::text)
     FROM claimed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT coalesce((SELECT json_agg(json_build_array(c.id, c.workspace_id, c.workflow_id, c.version_id, c.input, c.attempt, c.priority,
       c.origin_run_id, c.started_at, c.resumed, c.cancel, c.pause,
       (SELECT json_agg(json_build_array(s.step_id, s.status, s.output, s.error)) FROM run_steps s WHERE s.run_id = c.id),
       CASE WHEN c.resumed THEN (SELECT json_agg(e.type || ' ' || coalesce(e.step_id, '') || ' ' || coalesce(e.data->>'attempt', ''))
         FROM run_events e WHERE e.run_id = c.id AND e.type IN ('node.completed', 'node.failed', 'node.skipped', 'node.retrying', 'node.waiting')) END))
     FROM claimed c), '[]'::json) AS runs,
     EXISTS (SELECT 1 FROM workflows w WHERE w.concurrency_limit IS NOT NULL
       AND EXISTS (SELECT 1 FROM runs q WHERE q.workflow_id = w.id AND q.status = 'queued' AND q.driver = '${EMBEDDED_DRIVER}')) AS limited,
     ${noticesSql("inserted")} AS notices`;
}

/**
 * Claims queued runs of workflows without a concurrency limit, highest
 * priority first, then oldest, reading them in the order of runs_claim_idx
 * (`priority DESC NULLS LAST`: the ORDER BY must say so to use it) and
 * stopping at the limit, however long the queue. SKIP LOCKED lets workers claim side by side
 * without waiting on each other; a run is only ever handed to one of them.
 */
export const claimStatement = statement(
  "claim_runs",
  `WITH picked AS (
     SELECT r.id, r.started_at AS previous_start FROM runs r
     WHERE r.status = 'queued' AND r.driver = '${EMBEDDED_DRIVER}'
       -- A scalar subquery, not NOT EXISTS: the planner cannot turn it into an anti join, whose row estimate
       -- (poor for a workflows table no ANALYZE has seen) made it sort every queued run instead of reading
       -- runs_claim_idx in order and stopping at the limit.
       AND (SELECT w.concurrency_limit FROM workflows w WHERE w.id = r.workflow_id) IS NULL
     ORDER BY r.priority DESC NULLS LAST, r.created_at
     LIMIT $2
     FOR UPDATE OF r SKIP LOCKED
   ), ${claimTail()}`,
);

/**
 * Claims queued runs of workflows with a concurrency limit, at most as many
 * per workflow as it has room for (limit minus its running runs). Runs in a
 * transaction holding `LIMITED_CLAIM_LOCK`, so two workers cannot both count
 * the same free room.
 */
const claimLimitedStatement = statement(
  "claim_limited_runs",
  `WITH room AS (
     SELECT w.id, w.concurrency_limit - (SELECT count(*) FROM runs x WHERE x.workflow_id = w.id AND x.status = 'running') AS free
     FROM workflows w
     WHERE w.concurrency_limit IS NOT NULL
       AND EXISTS (SELECT 1 FROM runs q WHERE q.workflow_id = w.id AND q.status = 'queued' AND q.driver = '${EMBEDDED_DRIVER}')
   ), candidates AS (
     SELECT c.id, c.priority, c.created_at
     FROM room, LATERAL (
       SELECT r.id, r.priority, r.created_at FROM runs r
       WHERE r.workflow_id = room.id AND r.status = 'queued' AND r.driver = '${EMBEDDED_DRIVER}'
       ORDER BY r.priority DESC NULLS LAST, r.created_at
       LIMIT greatest(room.free, 0)
     ) c
   ), picked AS (
     SELECT r.id, r.started_at AS previous_start FROM runs r
     JOIN (SELECT id FROM candidates ORDER BY priority DESC NULLS LAST, created_at LIMIT $2) chosen ON chosen.id = r.id
     WHERE r.status = 'queued'
     FOR UPDATE OF r SKIP LOCKED
   ), ${claimTail()}`,
);

// An arbitrary constant: the advisory lock serialising claims of runs of limited workflows.
const LIMITED_CLAIM_LOCK = 7_261_001;
const lockLimitedClaims = statement("lock_limited_claims", `SELECT pg_advisory_xact_lock(${LIMITED_CLAIM_LOCK})`);

/**
 * Takes, for the rest of the transaction, the lock under which the free room
 * of workflows with a concurrency limit is counted and taken — by embedded
 * claims and by the Inngest driver's admission alike.
 */
export async function lockLimitedRoom(tx: Sql): Promise<void> {
  await tx.query(lockLimitedClaims);
}

type ClaimedTuple = [
  string,
  string,
  string,
  string,
  Json,
  number,
  number,
  string | null,
  string,
  boolean,
  boolean,
  boolean,
  [string, JournalEntry["status"], Json | null, Json | null][] | null,
  string[] | null,
];

function parseClaim(row: { runs: unknown; limited: unknown; notices: unknown } | undefined): ClaimResult {
  const runs = ((row?.runs ?? []) as ClaimedTuple[]).map(
    ([id, workspaceId, workflowId, versionId, input, attempt, priority, originRunId, startedAt, resumed, cancel, pause, journal, timeline]) => ({
      id,
      workspaceId,
      workflowId,
      versionId,
      input: input ?? null,
      attempt: Number(attempt),
      priority: Number(priority),
      originRunId,
      startedAt: toDate(startedAt),
      resumed,
      cancelRequested: cancel,
      pauseRequested: pause,
      journal: new Map((journal ?? []).map(([stepId, status, output, error]) => [stepId, { status, output: output ?? null, error: error ?? null }])),
      timeline: new Set(timeline ?? []),
    }),
  );
  return { runs, limitedPending: row?.limited === true };
}

export async function claimRuns(sql: Sql, leaseOwner: string, limit: number, leaseMs: number): Promise<ClaimResult> {
  const [row] = await sql.query<{ runs: unknown; limited: unknown; notices: unknown }>(claimStatement, [leaseOwner, limit, leaseMs]);
  publishRunEvents(sql, parseNotices(row?.notices));
  return parseClaim(row);
}

export async function claimLimitedRuns(sql: Sql, leaseOwner: string, limit: number, leaseMs: number): Promise<ClaimedRun[]> {
  const row = await sql.transaction(async (tx) => {
    await tx.query(lockLimitedClaims);
    const [claimed] = await tx.query<{ runs: unknown; limited: unknown; notices: unknown }>(claimLimitedStatement, [leaseOwner, limit, leaseMs]);
    return claimed;
  });
  publishRunEvents(sql, parseNotices(row?.notices));
  return parseClaim(row).runs;
}
