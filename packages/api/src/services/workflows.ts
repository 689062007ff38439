import { and, asc, desc, eq, ilike, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { schema, type Database } from "@trellis/db";
import { runStatusValues, type RunStatus } from "@trellis/db/schema";
import { invalidateConfig } from "@trellis/runtime";
import type { WorkflowDefinition } from "@trellis/engine";
import { StaleRevisionError } from "./errors";
import { cursorSchema, decodeCursor, limitSchema, pageSchema, toPage, type Page } from "./pagination";
import type { DataScope } from "./scope";
import { defaultDefinition, definitionSchema, loadedDefinition, storedDefinition } from "./workflow-definition";

const workflows = schema.workflows;
const versions = schema.workflowVersions;

export const workflowIdSchema = z.uuid("Unknown workflow");
export const workflowNameSchema = z.string().trim().min(1, "Name the workflow").max(120, "Use at most 120 characters");
export const workflowDescriptionSchema = z.string().trim().max(2_000, "Use at most 2000 characters");
export const concurrencyLimitSchema = z
  .number()
  .int()
  .min(1)
  .max(1_000)
  .nullable()
  .meta({ description: "Runs of this workflow allowed at once; null for no limit" });
export const revisionSchema = z
  .number()
  .int()
  .min(1)
  .meta({ description: "The revision the change is based on; a stale one answers CONFLICT" });

export const workflowIdInput = z.object({ workflowId: workflowIdSchema });

export const createWorkflowInput = z.object({
  name: workflowNameSchema,
  description: workflowDescriptionSchema.default(""),
  definition: definitionSchema.optional().meta({ description: "Defaults to a single manual trigger" }),
  concurrencyLimit: concurrencyLimitSchema.optional(),
});

/** The fields an update may change; REST sends them as the PATCH body, tRPC with the id and expected revision. */
export const workflowChangesSchema = z.object({
  name: workflowNameSchema.optional(),
  description: workflowDescriptionSchema.optional(),
  definition: definitionSchema.optional().meta({ description: "The new draft" }),
  concurrencyLimit: concurrencyLimitSchema.optional(),
});
const changeKeys = Object.keys(workflowChangesSchema.shape) as (keyof z.infer<typeof workflowChangesSchema>)[];
const hasSomeChange = (changes: z.infer<typeof workflowChangesSchema>) => changeKeys.some((key) => changes[key] !== undefined);
const NOTHING_TO_CHANGE = { error: "Send at least one of name, description, definition and concurrencyLimit" };
export const workflowPatchSchema = workflowChangesSchema.refine(hasSomeChange, NOTHING_TO_CHANGE);
export const updateWorkflowInput = workflowChangesSchema
  .extend({ workflowId: workflowIdSchema, expectedRevision: revisionSchema })
  .refine(hasSomeChange, NOTHING_TO_CHANGE);

export const duplicateWorkflowInput = z.object({
  workflowId: workflowIdSchema,
  name: workflowNameSchema.optional().meta({ description: 'Defaults to "<name> (copy)"' }),
});
export const duplicateWorkflowBody = duplicateWorkflowInput.omit({ workflowId: true });

export const workflowSortValues = ["updatedAt", "createdAt", "name"] as const;
export const listWorkflowsInput = z.object({
  search: z.string().trim().max(200).optional().meta({ description: "Part of the name, case-insensitive" }),
  sort: z.enum(workflowSortValues).default("updatedAt"),
  // Not `direction`: tRPC's infinite queries add a field of that name to the input.
  order: z.enum(["asc", "desc"]).optional().meta({ description: "Defaults to desc for dates and asc for name" }),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const versionRefSchema = z.object({ id: z.uuid(), number: z.number().int(), createdAt: z.date() });
export const workflowSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  revision: z.number().int().meta({
    description: "Grows with every change; send it back as expectedRevision (tRPC) or If-Match (REST)",
  }),
  concurrencyLimit: z.number().int().nullable(),
  latestVersion: versionRefSchema.nullable().meta({ description: "The last published version; null until the first publish" }),
  hasUnpublishedChanges: z.boolean().meta({ description: "The draft differs from the latest version (or was never published)" }),
  lastRun: z
    .object({ id: z.uuid(), status: z.enum(runStatusValues), finishedAt: z.date().nullable() })
    .nullable()
    .meta({ description: "The most recently created run; null before the first" }),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const workflowSchema = workflowSummarySchema.extend({ definition: definitionSchema.meta({ description: "The draft" }) });
export const workflowPageSchema = pageSchema(workflowSummarySchema);

export type WorkflowSummary = z.output<typeof workflowSummarySchema>;
export type WorkflowView = z.output<typeof workflowSchema>;

const summaryColumns = {
  id: workflows.id,
  name: workflows.name,
  description: workflows.description,
  revision: workflows.draftRevision,
  concurrencyLimit: workflows.concurrencyLimit,
  createdBy: workflows.createdBy,
  createdAt: workflows.createdAt,
  updatedAt: workflows.updatedAt,
  latestVersionId: versions.id,
  latestVersionNumber: versions.number,
  latestVersionCreatedAt: versions.createdAt,
  // jsonb equality ignores key order, so a re-saved but identical draft is not a change.
  hasUnpublishedChanges: sql<boolean>`${versions.definition} is distinct from ${workflows.draft}`,
  // Served by runs (workspace_id, workflow_id, created_at desc nulls last): one index probe per workflow.
  lastRun: sql<LastRunRow | null>`(
    select json_build_object('id', r.id, 'status', r.status, 'finishedAt', r.finished_at)
    from ${schema.runs} r
    where r.workspace_id = ${workflows.workspaceId} and r.workflow_id = ${workflows.id}
    order by r.created_at desc nulls last limit 1
  )`,
};

interface LastRunRow {
  id: string;
  status: RunStatus;
  finishedAt: string | null;
}

interface SummaryRow {
  id: string;
  name: string;
  description: string;
  revision: number;
  concurrencyLimit: number | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  latestVersionId: string | null;
  latestVersionNumber: number | null;
  latestVersionCreatedAt: Date | null;
  hasUnpublishedChanges: boolean;
  lastRun: LastRunRow | string | null;
}

function toLastRun(value: LastRunRow | string | null): WorkflowSummary["lastRun"] {
  // Drivers hand json back parsed, except when they do not.
  const row = typeof value === "string" ? (JSON.parse(value) as LastRunRow) : value;
  return row ? { id: row.id, status: row.status, finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt) } : null;
}

function toSummary(row: SummaryRow): WorkflowSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    revision: row.revision,
    concurrencyLimit: row.concurrencyLimit,
    latestVersion:
      row.latestVersionId !== null && row.latestVersionNumber !== null && row.latestVersionCreatedAt !== null
        ? { id: row.latestVersionId, number: row.latestVersionNumber, createdAt: row.latestVersionCreatedAt }
        : null,
    hasUnpublishedChanges: row.hasUnpublishedChanges,
    lastRun: toLastRun(row.lastRun),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Rows of the workspace that are not deleted: the one filter every workflow read starts from. */
export function liveWorkflow(workspaceId: string, workflowId: string): SQL {
  return and(eq(workflows.id, workflowId), eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)) as SQL;
}

/** A workflow of the workspace with its draft; NOT_FOUND for deleted ones and other workspaces'. */
export async function getWorkflowOrThrow(scope: DataScope, input: z.infer<typeof workflowIdInput>): Promise<WorkflowView> {
  const [row] = await scope.db
    .select({ ...summaryColumns, draft: workflows.draft })
    .from(workflows)
    .leftJoin(versions, eq(versions.id, workflows.latestVersionId))
    .where(liveWorkflow(scope.workspaceId, input.workflowId))
    .limit(1);
  if (!row) throw notFound("Workflow");
  return { ...toSummary(row), definition: loadedDefinition(row.draft) };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const utcMicros = (column: SQL | typeof workflows.updatedAt) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Workflows of the workspace, newest change first by default, one keyset page at a time. */
export async function listWorkflows(scope: DataScope, input: z.infer<typeof listWorkflowsInput>): Promise<Page<WorkflowSummary>> {
  const direction = input.order ?? (input.sort === "name" ? "asc" : "desc");
  const order = `${input.sort}:${direction}`;
  const column = { updatedAt: workflows.updatedAt, createdAt: workflows.createdAt, name: workflows.name }[input.sort];
  // Timestamps leave as text at microsecond precision: a JavaScript Date would
  // round them to milliseconds and the next page would repeat or skip rows.
  const sortKey = input.sort === "name" ? sql<string>`${workflows.name}` : utcMicros(column as typeof workflows.updatedAt);

  const conditions: (SQL | undefined)[] = [eq(workflows.workspaceId, scope.workspaceId), isNull(workflows.deletedAt)];
  if (input.search) conditions.push(ilike(workflows.name, `%${escapeLike(input.search)}%`));
  if (input.cursor) {
    const key = decodeCursor(input.cursor, order);
    const value = input.sort === "name" ? sql`${key.value}` : sql`${key.value}::timestamptz`;
    conditions.push(sql`(${column}, ${workflows.id}) ${sql.raw(direction === "asc" ? ">" : "<")} (${value}, ${key.id}::uuid)`);
  }
  const by = direction === "asc" ? asc : desc;
  const rows = await scope.db
    .select({ ...summaryColumns, sortKey })
    .from(workflows)
    .leftJoin(versions, eq(versions.id, workflows.latestVersionId))
    .where(and(...conditions))
    .orderBy(by(column), by(workflows.id))
    .limit(input.limit + 1);
  return toPage(rows, input.limit, toSummary, (row) => ({ order, value: row.sortKey, id: row.id }));
}

/** Inserts a workflow and answers it as `getWorkflowOrThrow` would. */
export async function insertWorkflow(
  scope: DataScope,
  values: { name: string; description: string; definition: WorkflowDefinition; concurrencyLimit?: number | null },
): Promise<WorkflowView> {
  const [row] = await scope.db
    .insert(workflows)
    .values({
      workspaceId: scope.workspaceId,
      name: values.name,
      description: values.description,
      draft: storedDefinition(values.definition),
      concurrencyLimit: values.concurrencyLimit ?? null,
      createdBy: scope.userId,
    })
    .returning({ id: workflows.id });
  if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "The workflow was not created");
  return getWorkflowOrThrow(scope, { workflowId: row.id });
}

export function createWorkflow(scope: DataScope, input: z.infer<typeof createWorkflowInput>): Promise<WorkflowView> {
  return insertWorkflow(scope, { ...input, definition: input.definition ?? defaultDefinition() });
}

/**
 * Saves changes if nobody saved since `expectedRevision`, in one conditional
 * UPDATE: the row's revision is the lock. Every change bumps the revision,
 * which is also the REST ETag.
 */
export async function updateWorkflow(scope: DataScope, input: z.infer<typeof updateWorkflowInput>): Promise<WorkflowView> {
  const { workflowId, expectedRevision, definition, ...fields } = input;
  await applyRevisionedUpdate(scope.db, scope.workspaceId, workflowId, expectedRevision, {
    ...fields,
    ...(definition ? { draft: storedDefinition(definition) } : {}),
  });
  return getWorkflowOrThrow(scope, { workflowId });
}

type WorkflowUpdate = Partial<Pick<typeof workflows.$inferInsert, "name" | "description" | "draft" | "concurrencyLimit">>;

/** The conditional update behind every change of a workflow's editable state. */
export async function applyRevisionedUpdate(db: Database, workspaceId: string, workflowId: string, expectedRevision: number, changes: WorkflowUpdate): Promise<number> {
  const [updated] = await db
    .update(workflows)
    .set({ ...changes, draftRevision: sql`${workflows.draftRevision} + 1`, updatedAt: sql`now()` })
    .where(and(liveWorkflow(workspaceId, workflowId), eq(workflows.draftRevision, expectedRevision)))
    .returning({ revision: workflows.draftRevision });
  if (updated) {
    // Read-your-writes for this process's caches (the trigger tells the others): a limit may have changed.
    if (changes.concurrencyLimit !== undefined) invalidateConfig({ table: "workflows", id: workflowId });
    return updated.revision;
  }
  const [current] = await db
    .select({ revision: workflows.draftRevision })
    .from(workflows)
    .where(liveWorkflow(workspaceId, workflowId))
    .limit(1);
  if (!current) throw notFound("Workflow");
  throw new StaleRevisionError("The workflow", current.revision);
}

/**
 * Soft delete: the row stays for the runs that reference it, and its
 * schedules stop so nothing starts a deleted workflow.
 */
export async function deleteWorkflow(scope: DataScope, input: z.infer<typeof workflowIdInput>): Promise<void> {
  await scope.db.transaction(async (tx) => {
    const deleted = await tx
      .update(workflows)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(liveWorkflow(scope.workspaceId, input.workflowId))
      .returning({ id: workflows.id });
    if (deleted.length === 0) throw notFound("Workflow");
    await tx
      .update(schema.schedules)
      .set({ active: false, nextRunAt: null, updatedAt: sql`now()` })
      .where(and(eq(schema.schedules.workflowId, input.workflowId), eq(schema.schedules.workspaceId, scope.workspaceId)));
  });
  invalidateConfig({ table: "workflows", id: input.workflowId });
}

/** A new workflow with the same draft and settings; versions are not copied, it starts unpublished. */
export async function duplicateWorkflow(scope: DataScope, input: z.infer<typeof duplicateWorkflowInput>): Promise<WorkflowView> {
  const source = await getWorkflowOrThrow(scope, { workflowId: input.workflowId });
  const copyName = `${source.name} (copy)`;
  return insertWorkflow(scope, {
    name: input.name ?? (copyName.length <= 120 ? copyName : source.name),
    description: source.description,
    definition: source.definition,
    concurrencyLimit: source.concurrencyLimit,
  });
}
