import type { Database } from "@trellis/db";
import { schema } from "@trellis/db";
import { WorkflowDefinitionSchema, type WorkflowDefinitionInput } from "@trellis/engine";
import { eq, sql as drizzleSql } from "drizzle-orm";
import { getRunOrThrow, type RunRef } from "../lifecycle/run-loader";
import type { RunRecord, RunStatus } from "../records/run-record";
import type { Db } from "../sql/sql-client";

// Test fixtures for the runtime's tests (and the Inngest driver's conformance suite): workflows,
// published versions and waiting for runs. Not part of the package's public API.

type NodeInput = WorkflowDefinitionInput["nodes"][number];

/** A definition from nodes and `[source, target, sourceHandle?]` edges. */
export function definition(
  nodes: NodeInput[],
  edges: [string, string, string?][],
  settings: WorkflowDefinitionInput["settings"] = {},
): WorkflowDefinitionInput {
  return {
    schemaVersion: 1,
    nodes,
    edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, sourceHandle: sourceHandle ?? null })),
    settings,
  };
}

/** A manual trigger followed by a chain of nodes. */
export function chain(...nodes: NodeInput[]): WorkflowDefinitionInput {
  const all: NodeInput[] = [{ id: "trigger", type: "trigger.manual" }, ...nodes];
  return definition(
    all,
    all.slice(1).map((node, i) => [(all[i] as NodeInput).id, node.id]),
  );
}

/** Publishes the next version of a workflow and makes it the latest. */
export async function publishVersion(db: Database, workflowId: string, input: WorkflowDefinitionInput): Promise<string> {
  const parsed = WorkflowDefinitionSchema.parse(input);
  const [workflow] = await db.select().from(schema.workflows).where(eq(schema.workflows.id, workflowId));
  if (!workflow) throw new Error(`no workflow ${workflowId}`);
  const [version] = await db
    .insert(schema.workflowVersions)
    .values({
      workspaceId: workflow.workspaceId,
      workflowId,
      number: drizzleSql`(SELECT coalesce(max(number), 0) + 1 FROM workflow_versions WHERE workflow_id = ${workflowId})`,
      definition: parsed as unknown as Record<string, unknown>,
    })
    .returning();
  if (!version) throw new Error("publishing returned no version");
  await db.update(schema.workflows).set({ latestVersionId: version.id, draft: parsed as unknown as Record<string, unknown> }).where(eq(schema.workflows.id, workflowId));
  return version.id;
}

/** A workflow with one published version. */
export async function createWorkflow(
  db: Database,
  workspaceId: string,
  input: WorkflowDefinitionInput,
  options: { concurrencyLimit?: number | null; name?: string } = {},
): Promise<{ workflowId: string; versionId: string }> {
  const [workflow] = await db
    .insert(schema.workflows)
    .values({
      workspaceId,
      name: options.name ?? "Test workflow",
      draft: input as unknown as Record<string, unknown>,
      concurrencyLimit: options.concurrencyLimit ?? null,
    })
    .returning();
  if (!workflow) throw new Error("inserting a workflow returned no row");
  const versionId = await publishVersion(db, workflow.id, input);
  return { workflowId: workflow.id, versionId };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a run until `done` holds (bounded by `timeoutMs`), then returns it. */
export async function waitForRun(db: Db, ref: RunRef, done: (run: RunRecord) => boolean, timeoutMs = 15_000): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRunOrThrow(db, ref);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${ref.runId} is still ${run.status} after ${timeoutMs} ms`);
    await sleep(10);
  }
}

export function waitForStatus(db: Db, ref: RunRef, statuses: RunStatus | readonly RunStatus[], timeoutMs?: number): Promise<RunRecord> {
  const wanted = typeof statuses === "string" ? [statuses] : statuses;
  return waitForRun(db, ref, (run) => wanted.includes(run.status), timeoutMs);
}

/** Polls `check` until it returns a value other than undefined (bounded by `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = "the condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(10);
  }
}
