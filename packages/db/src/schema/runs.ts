import { relations, sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { workflows, workflowVersions } from "./workflows";
import { workspaces } from "./workspaces";

export const runStatusValues = ["queued", "running", "sleeping", "waiting", "paused", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof runStatusValues)[number];
export const runStatusEnum = pgEnum("run_status", runStatusValues);

/** Statuses a run never leaves. */
export const finishedRunStatuses = ["succeeded", "failed", "cancelled"] as const satisfies readonly RunStatus[];

export const triggerKindValues = ["manual", "webhook", "schedule", "api", "retry", "invoke", "replay"] as const;
export type TriggerKind = (typeof triggerKindValues)[number];
export const triggerKindEnum = pgEnum("trigger_kind", triggerKindValues);

export const stepStatusValues = ["running", "succeeded", "failed", "skipped", "waiting"] as const;
export type StepStatus = (typeof stepStatusValues)[number];
export const stepStatusEnum = pgEnum("step_status", stepStatusValues);

type Json = unknown;

/**
 * One execution of a workflow version. The lease columns belong to the
 * embedded driver (who holds the run and until when); `wakeAt` parks sleeping,
 * waiting and backing-off runs.
 */
export const runs = pgTable(
  "runs",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid()
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    versionId: uuid()
      .notNull()
      .references(() => workflowVersions.id, { onDelete: "cascade" }),
    status: runStatusEnum().notNull().default("queued"),
    triggerKind: triggerKindEnum().notNull(),
    input: jsonb().$type<Json>(),
    output: jsonb().$type<Json>(),
    error: jsonb().$type<{ code?: string; message: string; nodeId?: string; [key: string]: unknown }>(),
    priority: integer().notNull().default(0),
    idempotencyKey: text(),
    parentRunId: uuid(),
    // Retry-from-node: the run whose journal this one reuses, and the node it restarts at.
    originRunId: uuid(),
    restartFromNodeId: text(),
    attempt: integer().notNull().default(1),
    driver: text().notNull().default("embedded"),
    externalRunId: text(),
    callbackUrl: text(),
    leaseOwner: text(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    wakeAt: timestamp({ withTimezone: true }),
    cancelRequestedAt: timestamp({ withTimezone: true }),
    pauseRequestedAt: timestamp({ withTimezone: true }),
    deadLetteredAt: timestamp({ withTimezone: true }),
    dismissedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Partial, like the finished_at index: most runs have no key, and a run's every status change would index its NULL again.
    uniqueIndex("runs_workspace_id_idempotency_key_unique").on(t.workspaceId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    // The worker's claim query: queued runs by priority then age.
    index("runs_claim_idx").on(t.priority.desc(), t.createdAt).where(sql`${t.status} = 'queued'`),
    // Parked runs whose wake-up time has come.
    index("runs_wake_at_idx").on(t.wakeAt).where(sql`${t.status} in ('sleeping', 'waiting')`),
    // Running runs whose lease expired (a dead worker's).
    index("runs_lease_expires_at_idx").on(t.leaseExpiresAt).where(sql`${t.status} = 'running'`),
    index("runs_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    // Drizzle builds `desc()` as DESC NULLS LAST: list queries order by
    // `created_at DESC NULLS LAST, id DESC NULLS LAST` to read pages straight off these.
    index("runs_workspace_id_workflow_id_created_at_idx").on(t.workspaceId, t.workflowId, t.createdAt.desc(), t.id.desc()),
    index("runs_workspace_id_status_created_at_idx").on(t.workspaceId, t.status, t.createdAt.desc(), t.id.desc()),
    index("runs_workspace_id_trigger_kind_created_at_idx").on(t.workspaceId, t.triggerKind, t.createdAt.desc(), t.id.desc()),
    index("runs_workflow_id_status_idx").on(t.workflowId, t.status),
    index("runs_dead_lettered_idx").on(t.workspaceId, t.deadLetteredAt).where(sql`${t.deadLetteredAt} is not null and ${t.dismissedAt} is null`),
    // Retention's scan of finished runs.
    index("runs_finished_at_idx").on(t.finishedAt).where(sql`${t.finishedAt} is not null`),
    // Cancelling a run cancels its child runs (workflow.invoke).
    index("runs_parent_run_id_idx").on(t.parentRunId).where(sql`${t.parentRunId} is not null`),
  ],
);

/**
 * The journal: one row per step id. A completed step's output (or error) is
 * written before the next step starts, and a replay returns it instead of
 * running the step again. Keyed by (run, step id), the only way it is read.
 */
export const runSteps = pgTable(
  "run_steps",
  {
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    workspaceId: uuid().notNull(),
    stepId: text().notNull(),
    nodeId: text(),
    status: stepStatusEnum().notNull(),
    attempt: integer().notNull().default(1),
    output: jsonb().$type<Json>(),
    error: jsonb().$type<Json>(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    durationMs: integer(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);

/**
 * The run's append-only timeline, in insertion order (`id`). Keyed by (run,
 * id): it is only ever read run by run, and one index is all it costs per entry.
 */
export const runEvents = pgTable(
  "run_events",
  {
    id: bigserial({ mode: "number" }).notNull(),
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    workspaceId: uuid().notNull(),
    type: text().notNull(),
    nodeId: text(),
    stepId: text(),
    data: jsonb().$type<Json>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.id] })],
);

/** A run parked until a named event (or an approval) arrives, or its timeout. */
export const eventWaiters = pgTable(
  "event_waiters",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stepId: text().notNull(),
    event: text().notNull(),
    // The payload must contain this JSON (jsonb @>), as the engine's wait.event node asks.
    match: jsonb().$type<Record<string, unknown>>(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    resolvedAt: timestamp({ withTimezone: true }),
    payload: jsonb().$type<Json>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("event_waiters_run_id_step_id_unique").on(t.runId, t.stepId),
    index("event_waiters_open_idx").on(t.workspaceId, t.event).where(sql`${t.resolvedAt} is null`),
  ],
);

export const runsRelations = relations(runs, ({ many, one }) => ({
  steps: many(runSteps),
  events: many(runEvents),
  workflow: one(workflows, { fields: [runs.workflowId], references: [workflows.id] }),
  version: one(workflowVersions, { fields: [runs.versionId], references: [workflowVersions.id] }),
}));

export const runStepsRelations = relations(runSteps, ({ one }) => ({
  run: one(runs, { fields: [runSteps.runId], references: [runs.id] }),
}));

export const runEventsRelations = relations(runEvents, ({ one }) => ({
  run: one(runs, { fields: [runEvents.runId], references: [runs.id] }),
}));

export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type RunStep = typeof runSteps.$inferSelect;
export type RunEvent = typeof runEvents.$inferSelect;
export type EventWaiter = typeof eventWaiters.$inferSelect;
