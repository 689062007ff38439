import { and, eq, gte, isNotNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { notFound } from "@trellis/config/errors";
import { schema } from "@trellis/db";
import { runStatusValues, type RunStatus } from "@trellis/db/schema";
import type { DataScope } from "./scope";
import { liveWorkflow, workflowIdSchema } from "./workflows";

const runs = schema.runs;

export const workflowStatsQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional().meta({ description: "Count only runs created at or after this time" }),
});
export const workflowStatsInput = workflowStatsQuery.extend({ workflowId: workflowIdSchema });

export const workflowStatsSchema = z.object({
  workflowId: z.uuid(),
  since: z.date().nullable(),
  total: z.number().int(),
  byStatus: z.object(Object.fromEntries(runStatusValues.map((s) => [s, z.number().int()])) as Record<RunStatus, z.ZodNumber>),
  durationMs: z
    .object({
      p50: z.number().nullable(),
      p95: z.number().nullable(),
      samples: z.number().int().meta({ description: "Finished runs with a start and an end time" }),
    })
    .meta({ description: "From startedAt to finishedAt of finished runs; null without any" }),
  lastRun: z
    .object({ id: z.uuid(), status: z.enum(runStatusValues), createdAt: z.date(), startedAt: z.date().nullable(), finishedAt: z.date().nullable() })
    .nullable(),
});
export type WorkflowStats = z.output<typeof workflowStatsSchema>;

/** Run counts by status, duration percentiles and the last run of one workflow. */
export async function getWorkflowStats(scope: DataScope, input: z.infer<typeof workflowStatsInput>): Promise<WorkflowStats> {
  const [workflow] = await scope.db
    .select({ id: schema.workflows.id })
    .from(schema.workflows)
    .where(liveWorkflow(scope.workspaceId, input.workflowId))
    .limit(1);
  if (!workflow) throw notFound("Workflow");

  const since = input.since ? new Date(input.since) : null;
  const ofWorkflow: SQL[] = [eq(runs.workspaceId, scope.workspaceId), eq(runs.workflowId, input.workflowId)];
  if (since) ofWorkflow.push(gte(runs.createdAt, since));

  const durationMs = sql`extract(epoch from (${runs.finishedAt} - ${runs.startedAt})) * 1000`;
  const [counts, [durations], [lastRun]] = await Promise.all([
    scope.db
      .select({ status: runs.status, count: sql<number>`count(*)::int` })
      .from(runs)
      .where(and(...ofWorkflow))
      .groupBy(runs.status),
    scope.db
      .select({
        p50: sql<number | null>`percentile_cont(0.5) within group (order by ${durationMs})::float8`,
        p95: sql<number | null>`percentile_cont(0.95) within group (order by ${durationMs})::float8`,
        samples: sql<number>`count(*)::int`,
      })
      .from(runs)
      .where(and(...ofWorkflow, isNotNull(runs.startedAt), isNotNull(runs.finishedAt))),
    scope.db
      .select({ id: runs.id, status: runs.status, createdAt: runs.createdAt, startedAt: runs.startedAt, finishedAt: runs.finishedAt })
      .from(runs)
      .where(and(...ofWorkflow))
      // NULLS LAST as runs (workspace_id, workflow_id, created_at) is indexed, so the index serves it.
      .orderBy(sql`${runs.createdAt} desc nulls last`, sql`${runs.id} desc nulls last`)
      .limit(1),
  ]);

  const byStatus = Object.fromEntries(runStatusValues.map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const row of counts) byStatus[row.status] = row.count;
  const round = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(Number(value) * 1000) / 1000);
  return {
    workflowId: input.workflowId,
    since,
    total: counts.reduce((sum, row) => sum + row.count, 0),
    byStatus,
    durationMs: { p50: round(durations?.p50), p95: round(durations?.p95), samples: durations?.samples ?? 0 },
    lastRun: lastRun ?? null,
  };
}
