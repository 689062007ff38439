import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { runStatusValues, stepStatusValues, triggerKindValues, type RunStatus } from "@trellis/db/schema";
import {
  cancelRun,
  decideApproval,
  getRunOrThrow,
  deleteRun,
  dismissDeadLetteredRun,
  listDeadLetteredRuns,
  listPendingApprovals,
  MAX_BATCH_RUNS,
  pauseRun,
  previewRetryFromNode,
  PRIORITY_RANGE,
  readRunEvents,
  replayDeadLetteredRun,
  resumeRun,
  retryFromNode,
  retryRun,
  runColumns,
  sendEvent,
  startRuns,
  toDate,
  toDateOrNull,
  toRunRecord,
  toSql,
  type CreatedRun,
  type RunRecord,
  type RunRow,
  type StartRunItem,
} from "@trellis/runtime";
import { inngestRunUrl } from "./inngest-dashboard";
import { assertReachable, notificationUrlSchema } from "./notifications";
import { cursorSchema, decodeCursor, limitSchema, toPage, type Page } from "./pagination";
import type { DataScope } from "./scope";


// ---------------------------------------------------------------------------
// Schemas: the inputs both edges validate with and the views they answer.

export const runIdSchema = z.uuid("Unknown run");
export const runIdInput = z.object({ runId: runIdSchema });
const jsonValue = z.json();

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255, "Use at most 255 characters")
  .meta({ description: "Starting again with the same key returns the run the key started, instead of a new one" });
export const prioritySchema = z
  .number()
  .int()
  .min(PRIORITY_RANGE.min)
  .max(PRIORITY_RANGE.max)
  .meta({ description: `Higher runs are started first (${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}, default 0)` });

/** What a REST start sends as its body; tRPC adds the workflow id and the idempotency key. */
export const startRunBody = z.object({
  input: jsonValue.optional().meta({ description: "The run input, validated against the trigger's input schema" }),
  versionId: z.uuid().optional().meta({ description: "Run this version of the workflow; its latest published version by default" }),
  priority: prioritySchema.optional(),
  callbackUrl: notificationUrlSchema
    .optional()
    .meta({ description: "Receives a signed POST when the run finishes (signed with the workspace's run-callback secret)" }),
});
export const startRunInput = startRunBody.extend({ workflowId: z.uuid("Unknown workflow"), idempotencyKey: idempotencyKeySchema.optional() });

export const batchItemSchema = z.object({
  input: jsonValue.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
  priority: prioritySchema.optional(),
});
export const startBatchBody = z.object({
  versionId: z.uuid().optional().meta({ description: "Run this version of the workflow; its latest published version by default" }),
  items: z.array(batchItemSchema).min(1, "Send at least one run").max(MAX_BATCH_RUNS, `Start at most ${MAX_BATCH_RUNS} runs at once`),
});
export const startBatchInput = startBatchBody.extend({ workflowId: z.uuid("Unknown workflow") });

export const listRunsQuery = z.object({
  workflowId: z.uuid().optional().meta({ description: "Only runs of this workflow" }),
  status: z.enum(runStatusValues).optional(),
  trigger: z.enum(triggerKindValues).optional().meta({ description: "Only runs started this way" }),
  createdAfter: z.iso.datetime({ offset: true }).optional().meta({ description: "Only runs created at or after this time" }),
  createdBefore: z.iso.datetime({ offset: true }).optional().meta({ description: "Only runs created before this time" }),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const retryBody = z.object({
  nodeId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "Retry from this node, reusing the journaled outputs of every node upstream of it; the whole run without it" }),
  version: z
    .enum(["original", "latest"])
    .default("original")
    .meta({ description: "From a node: the run's own version, or the workflow's latest (refused when nodes upstream changed)" }),
});
export const retryInput = retryBody.extend({ runId: runIdSchema });
export const retryPreviewQuery = z.object({ nodeId: z.string().min(1).max(200), version: z.enum(["original", "latest"]).default("original") });
export const retryPreviewInput = retryPreviewQuery.extend({ runId: runIdSchema });

export const deadLetterQuery = z.object({
  workflowId: z.uuid().optional().meta({ description: "Only runs of this workflow" }),
  limit: limitSchema,
  cursor: z.uuid().optional().meta({ description: "The `nextCursor` of the previous page" }),
});

export const sendEventBody = z.object({
  name: z.string().min(1).max(200).meta({ description: "The event a `wait.event` node waits for" }),
  payload: jsonValue.default({}).meta({ description: "Delivered to each waiting run whose `match` it contains" }),
  runId: z.uuid().optional().meta({ description: "Only this run's waits; every waiting run of the workspace by default" }),
});

export const approvalDecisionBody = z.object({
  decision: z.enum(["approved", "rejected"]),
  comment: z.string().max(5_000).optional(),
});
export const decideApprovalInput = approvalDecisionBody.extend({ runId: runIdSchema, stepId: z.string().min(1).max(300) });
/** REST callers act through a key, which is nobody: they name who decided, checked against the node's approvers. */
export const restApprovalDecisionBody = approvalDecisionBody.extend({
  by: z.string().min(1).max(200).optional().meta({ description: "Who decided (user id or email); required when the step names approvers" }),
});

const runErrorSchema = z
  .looseObject({
    message: z.string(),
    name: z.string().optional(),
    code: z.string().optional(),
    nodeId: z.string().optional(),
    stepId: z.string().optional(),
  })
  .meta({ description: "Why the run failed, and at which node" });

export const runDriverValues = ["embedded", "inngest"] as const;
export type RunDriver = (typeof runDriverValues)[number];

const runFields = {
  id: z.uuid(),
  workflowId: z.uuid(),
  versionId: z.uuid(),
  status: z.enum(runStatusValues),
  triggerKind: z.enum(triggerKindValues),
  driver: z.enum(runDriverValues).meta({ description: "What executed the run: the embedded driver (Postgres journal) or Inngest" }),
  error: runErrorSchema.nullable(),
  priority: z.number().int(),
  idempotencyKey: z.string().nullable(),
  parentRunId: z.uuid().nullable().meta({ description: "The run that invoked this one (workflow.invoke)" }),
  originRunId: z.uuid().nullable().meta({ description: "After a retry from a node: the run whose outputs it reuses" }),
  restartFromNodeId: z.string().nullable(),
  attempt: z.number().int(),
  wakeAt: z.date().nullable().meta({ description: "When a sleeping or waiting run wakes up at the latest" }),
  cancelRequestedAt: z.date().nullable(),
  pauseRequestedAt: z.date().nullable(),
  deadLetteredAt: z.date().nullable(),
  dismissedAt: z.date().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
};

/** A run in a list: everything but its input and output. */
export const runSummarySchema = z.object({ ...runFields, workflowName: z.string() });
/** A run as start, cancel, retry… answer it. */
export const runSchema = z.object({ ...runFields, input: jsonValue.nullable(), output: jsonValue.nullable() });

export const runStepSchema = z.object({
  stepId: z.string().meta({ description: "The engine's step id: `<node>`, `<node>#<attempt>`, `<node>[<item>]`…" }),
  nodeId: z.string().nullable(),
  status: z.enum(stepStatusValues),
  attempt: z.number().int(),
  output: jsonValue.nullable(),
  error: jsonValue.nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  durationMs: z.number().int().nullable(),
});
export const pendingApprovalSchema = z.object({
  stepId: z.string().meta({ description: "What an approval decision names" }),
  title: z.string(),
  instructions: z.string().nullable(),
  approvers: z.array(z.string()),
  expiresAt: z.date(),
});
export const runDetailSchema = runSchema.extend({
  workflowName: z.string(),
  callbackUrl: z.string().nullable(),
  inngestUrl: z
    .url()
    .nullable()
    .meta({ description: "The run in the Inngest dashboard (or, before Inngest started it, the workflow-run function's runs); null for the embedded driver" }),
  steps: z.array(runStepSchema).meta({ description: "The journal, in the order steps started" }),
  pendingApprovals: z.array(pendingApprovalSchema),
});
export const startedRunSchema = z.object({
  run: runSchema,
  created: z.boolean().meta({ description: "False when the idempotency key returned an earlier run" }),
});
export const batchResultSchema = z.object({ items: z.array(startedRunSchema) });
export const retryPreviewSchema = z.object({
  runId: z.uuid(),
  nodeId: z.string(),
  versionId: z.uuid().meta({ description: "The version the new run would be pinned to" }),
  rerun: z.array(z.string()).meta({ description: "Nodes that run (again)" }),
  reused: z
    .array(z.object({ nodeId: z.string(), stepIds: z.array(z.string()) }))
    .meta({ description: "Upstream nodes whose journaled outputs the new run reuses" }),
  differingNodes: z.array(z.string()).meta({ description: "Upstream nodes changed in the chosen version; the retry is refused unless empty" }),
});
export const runEventsQuery = z.object({
  afterId: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "Only entries after this one: the `nextAfterId` of the previous page (from the start without it)" }),
  limit: z.number().int().min(1).max(500).default(100).meta({ description: "Entries per page (1-500)" }),
});
export const runEventsInput = runEventsQuery.extend({ runId: runIdSchema });
export const runEventSchema = z.object({
  id: z.number().int().meta({ description: "Increases along the timeline; what `afterId` names" }),
  type: z.string().meta({ description: "`run.started`, `node.completed`, `run.succeeded`…" }),
  nodeId: z.string().nullable(),
  stepId: z.string().nullable(),
  data: jsonValue.nullable(),
  createdAt: z.date(),
});
export const runEventPageSchema = z.object({
  items: z.array(runEventSchema).meta({ description: "The entries, oldest first" }),
  nextAfterId: z.number().int().nullable().meta({ description: "Pass as `afterId` for the next page; null on the last page (so far: a run in progress adds entries)" }),
});
export const sentEventSchema = z.object({ runIds: z.array(z.uuid()).meta({ description: "The waiting runs the event resumed" }) });
export const deadLetterPageSchema = z.object({ items: z.array(runSchema), nextCursor: z.string().nullable() });

export type RunView = z.output<typeof runSchema>;
export type RunSummary = z.output<typeof runSummarySchema>;
export type RunDetail = z.output<typeof runDetailSchema>;
export type StartedRun = z.output<typeof startedRunSchema>;

// ---------------------------------------------------------------------------
// Views

export function toRunView(run: RunRecord): RunView {
  return {
    id: run.id,
    workflowId: run.workflowId,
    versionId: run.versionId,
    status: run.status,
    triggerKind: run.triggerKind,
    driver: asDriver(run.driver),
    input: run.input,
    output: run.output,
    error: run.error,
    priority: run.priority,
    idempotencyKey: run.idempotencyKey,
    parentRunId: run.parentRunId,
    originRunId: run.originRunId,
    restartFromNodeId: run.restartFromNodeId,
    attempt: run.attempt,
    wakeAt: run.wakeAt,
    cancelRequestedAt: run.cancelRequestedAt,
    pauseRequestedAt: run.pauseRequestedAt,
    deadLetteredAt: run.deadLetteredAt,
    dismissedAt: run.dismissedAt,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** The `runs.driver` column is text; anything but Inngest ran on the embedded driver. */
function asDriver(driver: string): RunDriver {
  return driver === "inngest" ? "inngest" : "embedded";
}

const started = ({ run, created }: CreatedRun): StartedRun => ({ run: toRunView(run), created });

// ---------------------------------------------------------------------------
// Reads

// The run list and a run's detail are the API's hottest reads: written as
// named statements (prepared once per connection on node-postgres and Neon),
// they skip Drizzle's query building on every request.

/** A run without its input and output, and its workflow's name: what lists show. */
const SUMMARY_COLUMNS = `${runColumns("r", { withoutPayloads: true })}, (SELECT w.name FROM workflows w WHERE w.id = r.workflow_id) AS workflow_name`;

type SummaryRow = Omit<RunRow, "input" | "output"> & { workflow_name: string };

function summaryOf(row: SummaryRow): RunSummary {
  const { input: _input, output: _output, ...view } = toRunView(toRunRecord({ ...row, input: null, output: null }));
  return { ...view, workflowName: row.workflow_name };
}

const LIST_ORDER = "createdAt:desc";

/** The filters `listRuns` may combine; each combination is its own named statement. */
const LIST_FILTERS = [
  ["workflowId", "r.workflow_id = $?::uuid"],
  ["status", "r.status = $?::run_status"],
  ["trigger", "r.trigger_kind = $?::trigger_kind"],
  ["createdAfter", "r.created_at >= $?::timestamptz"],
  ["createdBefore", "r.created_at < $?::timestamptz"],
] as const;

function listStatement(filters: readonly (typeof LIST_FILTERS)[number][], cursor: boolean) {
  const conditions = ["r.workspace_id = $1::uuid"];
  let n = 1;
  for (const [, condition] of filters) conditions.push(condition.replace("$?", `$${++n}`));
  // Compared as a row, so the (workspace_id, created_at desc, id desc) index serves the page.
  if (cursor) conditions.push(`(r.created_at, r.id) < ($${++n}::timestamptz, $${++n}::uuid)`);
  const name = `api_list_runs_${filters.map(([key]) => key[0] + key.slice(-1)).join("") || "all"}${cursor ? "_after" : ""}`;
  return {
    name: `trellis_${name}`,
    // NULLS LAST as the indexes are built (the columns are never null): a plain DESC would not match them.
    text: `SELECT ${SUMMARY_COLUMNS}, to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_key
      FROM runs r WHERE ${conditions.join(" AND ")}
      ORDER BY r.created_at DESC NULLS LAST, r.id DESC NULLS LAST LIMIT $${n + 1}`,
  };
}

/** Runs of the workspace, newest first, filtered, one keyset page at a time. */
export async function listRuns(scope: DataScope, input: z.infer<typeof listRunsQuery>): Promise<Page<RunSummary>> {
  const filters = LIST_FILTERS.filter(([key]) => input[key] !== undefined && input[key] !== null);
  const params: unknown[] = [scope.workspaceId, ...filters.map(([key]) => input[key])];
  if (input.cursor) {
    const key = decodeCursor(input.cursor, LIST_ORDER);
    params.push(key.value, key.id);
  }
  params.push(input.limit + 1);
  const rows = await toSql(runtimeDb(scope)).query<SummaryRow & { sort_key: string }>(listStatement(filters, Boolean(input.cursor)), params);
  return toPage(rows, input.limit, summaryOf, (row) => ({ order: LIST_ORDER, value: row.sort_key, id: row.id }));
}

// A run no one waits on has nothing pending to ask about.
const MAY_WAIT_FOR_APPROVAL: readonly RunStatus[] = ["running", "waiting", "paused", "queued"];

const selectRunDetail = {
  name: "trellis_api_run_detail",
  text: `SELECT ${SUMMARY_COLUMNS}, r.input, r.output, r.callback_url, r.external_run_id FROM runs r WHERE r.id = $1::uuid AND r.workspace_id = $2::uuid`,
};
const selectRunSteps = {
  name: "trellis_api_run_steps",
  text: `SELECT step_id, node_id, status, attempt, output, error, started_at, finished_at, duration_ms
    FROM run_steps WHERE run_id = $1::uuid AND workspace_id = $2::uuid ORDER BY started_at ASC, step_id ASC`,
};

interface StepRow {
  step_id: string;
  node_id: string | null;
  status: RunDetail["steps"][number]["status"];
  attempt: number;
  output: unknown;
  error: unknown;
  started_at: unknown;
  finished_at: unknown;
  duration_ms: number | null;
}

/** A run of the workspace with its journal and the approvals it waits for; NOT_FOUND for another workspace's. */
export async function getRunDetailOrThrow(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<RunDetail> {
  const sqlClient = toSql(runtimeDb(scope));
  const [[row], stepRows] = await Promise.all([
    sqlClient.query<SummaryRow & { input: unknown; output: unknown; callback_url: string | null; external_run_id: string | null }>(selectRunDetail, [
      input.runId,
      scope.workspaceId,
    ]),
    sqlClient.query<StepRow>(selectRunSteps, [input.runId, scope.workspaceId]),
  ]);
  if (!row) throw notFound("Run");
  const summary = summaryOf(row);
  const pendingApprovals = MAY_WAIT_FOR_APPROVAL.includes(summary.status)
    ? await listPendingApprovals(runtimeDb(scope), { workspaceId: scope.workspaceId, runId: input.runId })
    : [];
  return {
    ...summary,
    input: (row.input ?? null) as RunView["input"],
    output: (row.output ?? null) as RunView["output"],
    callbackUrl: row.callback_url,
    inngestUrl: inngestRunUrl({ driver: row.driver, externalRunId: row.external_run_id, startedAt: summary.startedAt }),
    steps: stepRows.map((step) => ({
      stepId: step.step_id,
      nodeId: step.node_id,
      status: step.status,
      attempt: Number(step.attempt),
      output: (step.output ?? null) as RunView["output"],
      error: (step.error ?? null) as RunView["output"],
      startedAt: toDate(step.started_at),
      finishedAt: toDateOrNull(step.finished_at),
      durationMs: step.duration_ms === null ? null : Number(step.duration_ms),
    })),
    pendingApprovals,
  };
}

/** A page of a run's timeline, oldest first, after `afterId`; NOT_FOUND for another workspace's run. */
export async function listRunEvents(scope: DataScope, input: z.infer<typeof runEventsInput>): Promise<z.output<typeof runEventPageSchema>> {
  const target = ref(scope, input.runId);
  await getRunOrThrow(runtimeDb(scope), target);
  const rows = await readRunEvents(runtimeDb(scope), { ...target, afterId: input.afterId, limit: input.limit + 1 });
  const items = rows.slice(0, input.limit).map(({ id, type, nodeId, stepId, data, createdAt }) => ({ id, type, nodeId, stepId, data: (data ?? null) as RunView["output"], createdAt }));
  return { items, nextAfterId: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

const selectRunSummaries = {
  name: "trellis_api_run_summaries",
  text: `SELECT ${SUMMARY_COLUMNS} FROM runs r WHERE r.workspace_id = $1::uuid AND r.id = ANY($2::uuid[])`,
};

/** The current summaries of some runs of the workspace (what a live list refreshes). */
export async function runSummaries(scope: DataScope, runIds: readonly string[]): Promise<RunSummary[]> {
  if (runIds.length === 0) return [];
  const rows = await toSql(runtimeDb(scope)).query<SummaryRow>(selectRunSummaries, [scope.workspaceId, [...runIds]]);
  return rows.map(summaryOf);
}

/** What the runtime's services run on: the open database when the edge has it (prepared statements), else Drizzle. */
const runtimeDb = (scope: DataScope) => scope.handle ?? scope.db;

// ---------------------------------------------------------------------------
// Starting runs

const setCallbackUrl = { name: "trellis_api_set_run_callback_url", text: "UPDATE runs SET callback_url = $2 WHERE id = ANY($1::uuid[])" };

/**
 * Starts runs on the configured driver (the runtime sends Inngest's runs to
 * it once committed). A callback URL is stored in the same transaction as
 * the runs, so no run can finish before it knows where to report: workers
 * and Inngest see the runs only after the commit.
 */
async function start(scope: DataScope, workflowId: string, versionId: string | undefined, items: StartRunItem[], callbackUrl?: string): Promise<CreatedRun[]> {
  const base = { workspaceId: scope.workspaceId, workflowId, versionId, triggerKind: "api" as const };
  if (!callbackUrl) return startRuns(runtimeDb(scope), { ...base, items });
  assertReachable(callbackUrl, "callbackUrl");
  return toSql(runtimeDb(scope)).transaction(async (tx) => {
    const created = await startRuns(tx, { ...base, items });
    await tx.query(setCallbackUrl, [created.filter((c) => c.created).map((c) => c.run.id), callbackUrl]);
    return created;
  });
}

/**
 * Starts a run of a workflow (its latest published version unless one is
 * named) with input validated against the trigger's input schema. The same
 * idempotency key returns the run it started (`created: false`).
 */
export async function startWorkflowRun(scope: DataScope, input: z.infer<typeof startRunInput>): Promise<StartedRun> {
  const [created] = await start(
    scope,
    input.workflowId,
    input.versionId,
    [{ input: input.input ?? null, idempotencyKey: input.idempotencyKey ?? null, priority: input.priority }],
    input.callbackUrl,
  );
  if (!created) throw new AppError("INTERNAL_SERVER_ERROR", "The run was not created");
  return started(created);
}

/** Starts up to 1,000 runs of one workflow in one statement; each item as `startWorkflowRun` would. */
export async function startWorkflowRunBatch(scope: DataScope, input: z.infer<typeof startBatchInput>): Promise<{ items: StartedRun[] }> {
  const items = input.items.map((item) => ({ input: item.input ?? null, idempotencyKey: item.idempotencyKey ?? null, priority: item.priority }));
  try {
    return { items: (await start(scope, input.workflowId, input.versionId, items)).map(started) };
  } catch (error) {
    // The runtime names a lone item's fields without its index; a batch always names the item.
    if (items.length === 1 && error instanceof AppError && error.fieldErrors) {
      const fieldErrors = Object.fromEntries(Object.entries(error.fieldErrors).map(([key, messages]) => [`items.0.${key}`, messages]));
      throw new AppError(error.code, error.message, { ...error.details, fieldErrors });
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Changing runs: each one call into the runtime's lifecycle services.

const ref = (scope: DataScope, runId: string) => ({ workspaceId: scope.workspaceId, runId });

/** Cancels a run (and its unfinished child runs); a running one stops at its next step boundary. */
export async function cancelWorkflowRun(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<RunView> {
  return toRunView(await cancelRun(runtimeDb(scope), ref(scope, input.runId)));
}

export async function pauseWorkflowRun(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<RunView> {
  return toRunView(await pauseRun(runtimeDb(scope), ref(scope, input.runId)));
}

export async function resumeWorkflowRun(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<RunView> {
  return toRunView(await resumeRun(runtimeDb(scope), ref(scope, input.runId)));
}

/** Retries a finished run as a whole, or from one node reusing what ran upstream of it. */
export async function retryWorkflowRun(scope: DataScope, input: z.infer<typeof retryInput>): Promise<RunView> {
  const target = ref(scope, input.runId);
  const created = input.nodeId ? await retryFromNode(runtimeDb(scope), { ...target, nodeId: input.nodeId, version: input.version }) : await retryRun(runtimeDb(scope), target);
  return toRunView(created.run);
}

/** Which nodes a retry from `nodeId` would run again and which outputs it would reuse. */
export function previewRunRetry(scope: DataScope, input: z.infer<typeof retryPreviewInput>): Promise<z.output<typeof retryPreviewSchema>> {
  return previewRetryFromNode(runtimeDb(scope), { ...ref(scope, input.runId), nodeId: input.nodeId, version: input.version });
}

/** Deletes a finished run with its journal and timeline. */
export async function deleteWorkflowRun(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<void> {
  await deleteRun(runtimeDb(scope), ref(scope, input.runId));
}

export async function listDeadLetters(scope: DataScope, input: z.infer<typeof deadLetterQuery>): Promise<z.output<typeof deadLetterPageSchema>> {
  const page = await listDeadLetteredRuns(runtimeDb(scope), { workspaceId: scope.workspaceId, workflowId: input.workflowId, limit: input.limit, cursor: input.cursor });
  return { items: page.items.map(toRunView), nextCursor: page.nextCursor };
}

/** Replays a dead-lettered run as a new run and takes it off the list; answers the new run. */
export async function replayDeadLetter(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<RunView> {
  return toRunView((await replayDeadLetteredRun(runtimeDb(scope), ref(scope, input.runId))).run);
}

export async function dismissDeadLetter(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<RunView> {
  return toRunView(await dismissDeadLetteredRun(runtimeDb(scope), ref(scope, input.runId)));
}

/** Delivers an event to the workspace's runs waiting for it; answers the runs it resumed. */
export function sendRunEvent(scope: DataScope, input: z.infer<typeof sendEventBody>): Promise<z.output<typeof sentEventSchema>> {
  return sendEvent(runtimeDb(scope), { workspaceId: scope.workspaceId, name: input.name, payload: input.payload, runId: input.runId });
}

/** The approvals a run waits for. */
export async function listRunApprovals(scope: DataScope, input: z.infer<typeof runIdInput>): Promise<{ items: z.output<typeof pendingApprovalSchema>[] }> {
  return { items: await listPendingApprovals(runtimeDb(scope), ref(scope, input.runId)) };
}

/**
 * Approves or rejects an approval a run waits for. `by` is who decides: for
 * a signed-in person their email when the step names it among its approvers,
 * their id otherwise.
 */
export async function decideRunApproval(
  scope: DataScope,
  input: z.infer<typeof decideApprovalInput> & { by?: string; byEmail?: string },
): Promise<RunView> {
  const target = ref(scope, input.runId);
  let by = input.by;
  if (input.byEmail !== undefined) {
    const pending = (await listPendingApprovals(runtimeDb(scope), target)).find((approval) => approval.stepId === input.stepId);
    if (pending?.approvers.includes(input.byEmail)) by = input.byEmail;
  }
  await decideApproval(runtimeDb(scope), { ...target, stepId: input.stepId, decision: input.decision, comment: input.comment, by });
  return toRunView(await getRunOrThrow(runtimeDb(scope), target));
}
