import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError, notFound, type FieldErrors } from "@trellis/config/errors";
import { schema, type Database } from "@trellis/db";
import { nextScheduleTimes, ScheduleConfigSchema } from "@trellis/engine";
import type { DataScope } from "./scope";
import { liveWorkflow, workflowIdSchema } from "./workflows";

const schedules = schema.schedules;
const workflows = schema.workflows;

/** How many upcoming slots every schedule answer shows. */
export const FIRE_TIMES_SHOWN = 5;

const cronSchema = z.string().trim().min(1, "Enter a cron pattern").max(200).meta({
  description: "Cron pattern with 5 or 6 fields (croner syntax)",
  example: "*/15 * * * *",
});
const timezoneSchema = z.string().trim().min(1).max(100).meta({ description: "IANA time zone", example: "Europe/Paris" });
const scheduleNameSchema = z.string().trim().max(120, "Use at most 120 characters");
const scheduleRunInputSchema = z.json().nullable().meta({ description: "Input of the runs the schedule starts" });

export const createScheduleInput = z.object({
  workflowId: workflowIdSchema,
  name: scheduleNameSchema.default(""),
  cron: cronSchema,
  timezone: timezoneSchema.default("UTC"),
  input: scheduleRunInputSchema.default(null),
  active: z.boolean().default(true),
});
export const scheduleIdInput = z.object({ scheduleId: z.uuid("Unknown schedule") });
export const listSchedulesInput = z.object({ workflowId: workflowIdSchema.optional().meta({ description: "Only this workflow's schedules" }) });
export const scheduleChangesSchema = z.object({
  name: scheduleNameSchema.optional(),
  cron: cronSchema.optional(),
  timezone: timezoneSchema.optional(),
  input: scheduleRunInputSchema.optional(),
  active: z.boolean().optional().meta({ description: "false pauses the schedule, true resumes it" }),
});
const changeKeys = Object.keys(scheduleChangesSchema.shape) as (keyof z.infer<typeof scheduleChangesSchema>)[];
const hasSomeChange = (changes: z.infer<typeof scheduleChangesSchema>) => changeKeys.some((key) => changes[key] !== undefined);
const NOTHING_TO_CHANGE = { error: "Send at least one of name, cron, timezone, input and active" };
export const schedulePatchSchema = scheduleChangesSchema.refine(hasSomeChange, NOTHING_TO_CHANGE);
export const updateScheduleInput = scheduleChangesSchema.extend(scheduleIdInput.shape).refine(hasSomeChange, NOTHING_TO_CHANGE);

export const scheduleSchema = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  input: z.json().nullable(),
  active: z.boolean(),
  nextRunAt: z.date().nullable().meta({ description: "The slot the scheduler fires next; null while paused" }),
  lastSlotAt: z.date().nullable(),
  nextFireTimes: z.array(z.date()).meta({ description: `The next ${FIRE_TIMES_SHOWN} slots; empty while paused` }),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ScheduleView = z.output<typeof scheduleSchema>;

const rowColumns = {
  id: schedules.id,
  workflowId: schedules.workflowId,
  name: schedules.name,
  cron: schedules.cron,
  timezone: schedules.timezone,
  input: schedules.input,
  active: schedules.active,
  nextRunAt: schedules.nextRunAt,
  lastSlotAt: schedules.lastSlotAt,
  createdAt: schedules.createdAt,
  updatedAt: schedules.updatedAt,
};
type ScheduleRow = Omit<ScheduleView, "nextFireTimes" | "input"> & { input: unknown };

/**
 * Validates a pattern in its zone with the engine's schedule trigger schema
 * (croner, IANA zones), so a schedule and a schedule trigger accept the same
 * patterns. UNPROCESSABLE_CONTENT with the offending field otherwise.
 */
function assertValidCron(cron: string, timezone: string): void {
  const result = ScheduleConfigSchema.safeParse({ cron, timezone });
  if (result.success) return;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) (fieldErrors[String(issue.path[0] ?? "cron")] ??= []).push(issue.message);
  throw new AppError("UNPROCESSABLE_CONTENT", Object.values(fieldErrors).flat().join("; "), { fieldErrors });
}

function fireTimes(cron: string, timezone: string, count: number, after = new Date()): Date[] {
  return nextScheduleTimes({ cron, timezone }, after, count);
}

function toView(row: ScheduleRow): ScheduleView {
  return {
    ...row,
    input: (row.input ?? null) as ScheduleView["input"],
    nextFireTimes: row.active ? fireTimes(row.cron, row.timezone, FIRE_TIMES_SHOWN) : [],
  };
}

async function assertWorkflowVisible(db: Database, workspaceId: string, workflowId: string): Promise<void> {
  const [row] = await db.select({ id: workflows.id }).from(workflows).where(liveWorkflow(workspaceId, workflowId)).limit(1);
  if (!row) throw notFound("Workflow");
}

export async function createSchedule(scope: DataScope, input: z.infer<typeof createScheduleInput>): Promise<ScheduleView> {
  assertValidCron(input.cron, input.timezone);
  await assertWorkflowVisible(scope.db, scope.workspaceId, input.workflowId);
  const [row] = await scope.db
    .insert(schedules)
    .values({
      workspaceId: scope.workspaceId,
      workflowId: input.workflowId,
      name: input.name,
      cron: input.cron,
      timezone: input.timezone,
      input: input.input,
      active: input.active,
      nextRunAt: input.active ? (fireTimes(input.cron, input.timezone, 1)[0] ?? null) : null,
    })
    .returning(rowColumns);
  if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "The schedule was not created");
  return toView(row);
}

/** Schedules of live workflows; a deleted workflow's schedules are gone with it. */
export async function listSchedules(scope: DataScope, input: z.infer<typeof listSchedulesInput>): Promise<ScheduleView[]> {
  const rows = await scope.db
    .select(rowColumns)
    .from(schedules)
    .innerJoin(workflows, and(eq(workflows.id, schedules.workflowId), isNull(workflows.deletedAt)))
    .where(and(eq(schedules.workspaceId, scope.workspaceId), input.workflowId ? eq(schedules.workflowId, input.workflowId) : undefined))
    .orderBy(asc(schedules.createdAt), asc(schedules.id));
  return rows.map(toView);
}

async function scheduleRowOrThrow(db: Database, workspaceId: string, scheduleId: string): Promise<ScheduleRow> {
  const [row] = await db
    .select(rowColumns)
    .from(schedules)
    .innerJoin(workflows, and(eq(workflows.id, schedules.workflowId), isNull(workflows.deletedAt)))
    .where(and(eq(schedules.id, scheduleId), eq(schedules.workspaceId, workspaceId)))
    .limit(1);
  if (!row) throw notFound("Schedule");
  return row;
}

export async function getScheduleOrThrow(scope: DataScope, input: z.infer<typeof scheduleIdInput>): Promise<ScheduleView> {
  return toView(await scheduleRowOrThrow(scope.db, scope.workspaceId, input.scheduleId));
}

/**
 * Changes a schedule. The next slot is recomputed from now whenever the
 * pattern, zone or state changes: a schedule resumed after a week starts at
 * its next slot instead of firing every slot it missed.
 */
export async function updateSchedule(scope: DataScope, input: z.infer<typeof updateScheduleInput>): Promise<ScheduleView> {
  const { scheduleId, ...changes } = input;
  const current = await scheduleRowOrThrow(scope.db, scope.workspaceId, scheduleId);
  const cron = changes.cron ?? current.cron;
  const timezone = changes.timezone ?? current.timezone;
  const active = changes.active ?? current.active;
  assertValidCron(cron, timezone);
  const timingChanged = cron !== current.cron || timezone !== current.timezone || active !== current.active;
  const [row] = await scope.db
    .update(schedules)
    .set({
      ...changes,
      updatedAt: sql`now()`,
      ...(timingChanged ? { nextRunAt: active ? (fireTimes(cron, timezone, 1)[0] ?? null) : null } : {}),
    })
    .where(and(eq(schedules.id, scheduleId), eq(schedules.workspaceId, scope.workspaceId)))
    .returning(rowColumns);
  if (!row) throw notFound("Schedule");
  return toView(row);
}

export function pauseSchedule(scope: DataScope, input: z.infer<typeof scheduleIdInput>): Promise<ScheduleView> {
  return updateSchedule(scope, { ...input, active: false });
}

export function resumeSchedule(scope: DataScope, input: z.infer<typeof scheduleIdInput>): Promise<ScheduleView> {
  return updateSchedule(scope, { ...input, active: true });
}

export async function deleteSchedule(scope: DataScope, input: z.infer<typeof scheduleIdInput>): Promise<void> {
  const rows = await scope.db
    .delete(schedules)
    .where(and(eq(schedules.id, input.scheduleId), eq(schedules.workspaceId, scope.workspaceId)))
    .returning({ id: schedules.id });
  if (rows.length === 0) throw notFound("Schedule");
}
