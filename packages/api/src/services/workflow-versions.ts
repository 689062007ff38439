import { and, desc, eq, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { schema } from "@trellis/db";
import { invalidateConfig } from "@trellis/runtime";
import { diffDefinitions, definitionDiffSchema } from "./definition-diff";
import { StaleRevisionError } from "./errors";
import type { DataScope } from "./scope";
import { compileOrThrow, definitionProblemSchema, definitionSchema, loadedDefinition, storedDefinition } from "./workflow-definition";
import { applyRevisionedUpdate, getWorkflowOrThrow, liveWorkflow, revisionSchema, workflowIdSchema, type WorkflowView } from "./workflows";

const versions = schema.workflowVersions;
const workflows = schema.workflows;

export const versionNumberSchema = z.number().int().min(1).meta({ description: "1 for the first published version" });

export const publishBody = z.object({
  message: z.string().trim().max(500, "Use at most 500 characters").default("").meta({ description: "What changed, for the version history" }),
  expectedRevision: revisionSchema.optional().meta({
    description: "Publish only if the draft is still at this revision (REST: If-Match)",
  }),
});
export const publishVersionInput = publishBody.extend({ workflowId: workflowIdSchema });

export const versionsPageQuery = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^\d+$/, "Pass the nextCursor of a previous page").optional().meta({ description: "The `nextCursor` of the previous page" }),
});
export const listVersionsInput = versionsPageQuery.extend({ workflowId: workflowIdSchema });
export const versionInput = z.object({ workflowId: workflowIdSchema, number: versionNumberSchema });
export const restoreVersionInput = versionInput.extend({ expectedRevision: revisionSchema });
export const compareQuery = z.object({ from: versionNumberSchema, to: versionNumberSchema });
export const compareVersionsInput = compareQuery.extend({ workflowId: workflowIdSchema });

export const versionSummarySchema = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  number: z.number().int(),
  message: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
});
export const versionSchema = versionSummarySchema.extend({ definition: definitionSchema });
export const publishedVersionSchema = versionSchema.extend({
  warnings: z.array(definitionProblemSchema).meta({ description: "Compiler warnings; they do not stop a publish" }),
});
export const versionPageSchema = z.object({ items: z.array(versionSummarySchema), nextCursor: z.string().nullable() });
export const versionComparisonSchema = z.object({
  from: versionSummarySchema,
  to: versionSummarySchema,
  diff: definitionDiffSchema,
});

export type VersionSummary = z.output<typeof versionSummarySchema>;
export type VersionView = z.output<typeof versionSchema>;

const summaryColumns = {
  id: versions.id,
  workflowId: versions.workflowId,
  number: versions.number,
  message: versions.message,
  createdBy: versions.createdBy,
  createdAt: versions.createdAt,
};

/**
 * Compiles the draft and stores it as the next immutable version. The
 * workflow row is locked for the transaction, so two publishes get numbers
 * n+1 and n+2 rather than one failing on the unique number, and the draft
 * cannot change between compiling and storing it.
 */
export async function publishVersion(scope: DataScope, input: z.infer<typeof publishVersionInput>): Promise<z.output<typeof publishedVersionSchema>> {
  const published = await scope.db.transaction(async (tx) => {
    const [workflow] = await tx
      .select({ draft: workflows.draft, revision: workflows.draftRevision })
      .from(workflows)
      .where(liveWorkflow(scope.workspaceId, input.workflowId))
      .for("update")
      .limit(1);
    if (!workflow) throw notFound("Workflow");
    if (input.expectedRevision !== undefined && input.expectedRevision !== workflow.revision) {
      throw new StaleRevisionError("The workflow", workflow.revision);
    }
    const { definition, warnings } = compileOrThrow(workflow.draft, "publish");
    const [latest] = await tx
      .select({ number: sql<number | null>`max(${versions.number})` })
      .from(versions)
      .where(eq(versions.workflowId, input.workflowId));
    const [version] = await tx
      .insert(versions)
      .values({
        workspaceId: scope.workspaceId,
        workflowId: input.workflowId,
        number: (latest?.number ?? 0) + 1,
        definition: storedDefinition(definition),
        message: input.message,
        createdBy: scope.userId,
      })
      .returning(summaryColumns);
    if (!version) throw new AppError("INTERNAL_SERVER_ERROR", "The version was not stored");
    // Publishing leaves the draft as it is, so the revision (the draft's ETag) stays.
    await tx.update(workflows).set({ latestVersionId: version.id, updatedAt: sql`now()` }).where(eq(workflows.id, input.workflowId));
    return { ...version, definition, warnings };
  });
  // Read-your-writes for this process's caches (the trigger tells the others).
  invalidateConfig({ table: "workflows", id: input.workflowId });
  return published;
}

async function assertWorkflowVisible(scope: DataScope, workflowId: string): Promise<void> {
  const [row] = await scope.db.select({ id: workflows.id }).from(workflows).where(liveWorkflow(scope.workspaceId, workflowId)).limit(1);
  if (!row) throw notFound("Workflow");
}

/** Versions of a workflow, newest first. */
export async function listVersions(scope: DataScope, input: z.infer<typeof listVersionsInput>) {
  await assertWorkflowVisible(scope, input.workflowId);
  const rows = await scope.db
    .select(summaryColumns)
    .from(versions)
    .where(
      and(
        eq(versions.workflowId, input.workflowId),
        eq(versions.workspaceId, scope.workspaceId),
        input.cursor ? lt(versions.number, Number(input.cursor)) : undefined,
      ),
    )
    .orderBy(desc(versions.number))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const items = more ? rows.slice(0, input.limit) : rows;
  return { items, nextCursor: more ? String(items[items.length - 1]?.number) : null };
}

/** One version with its definition; NOT_FOUND for another workspace's workflow or an unknown number. */
export async function getVersionOrThrow(scope: DataScope, input: z.infer<typeof versionInput>): Promise<VersionView> {
  await assertWorkflowVisible(scope, input.workflowId);
  const [row] = await scope.db
    .select({ ...summaryColumns, definition: versions.definition })
    .from(versions)
    .where(and(eq(versions.workflowId, input.workflowId), eq(versions.workspaceId, scope.workspaceId), eq(versions.number, input.number)))
    .limit(1);
  if (!row) throw notFound(`Version ${input.number}`);
  return { ...row, definition: loadedDefinition(row.definition) };
}

/** Makes an old version's definition the draft again; a new revision, and nothing published changes. */
export async function restoreVersion(scope: DataScope, input: z.infer<typeof restoreVersionInput>): Promise<WorkflowView> {
  const version = await getVersionOrThrow(scope, input);
  await applyRevisionedUpdate(scope.db, scope.workspaceId, input.workflowId, input.expectedRevision, {
    draft: storedDefinition(version.definition),
  });
  return getWorkflowOrThrow(scope, { workflowId: input.workflowId });
}

export async function compareVersions(scope: DataScope, input: z.infer<typeof compareVersionsInput>): Promise<z.output<typeof versionComparisonSchema>> {
  const [from, to] = await Promise.all([
    getVersionOrThrow(scope, { workflowId: input.workflowId, number: input.from }),
    getVersionOrThrow(scope, { workflowId: input.workflowId, number: input.to }),
  ]);
  const { definition: before, ...fromSummary } = from;
  const { definition: after, ...toSummary } = to;
  return { from: fromSummary, to: toSummary, diff: diffDefinitions(before, after) };
}
