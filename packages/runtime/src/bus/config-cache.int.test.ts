import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { versionToRun } from "../lifecycle/start-run";
import { sqlForHandle } from "../sql/sql-client";
import { chain, createWorkflow, publishVersion } from "../testing/workflows";
import { invalidateConfig, startConfigCaches } from "./config-cache";

const definition = chain({ id: "s", type: "noop" });

function suite(ctx: DriverSuiteContext) {
  const setup = async () => {
    const user = await createUser(ctx.db());
    const workspace = await createWorkspace(ctx.db(), user.id);
    const workflow = await createWorkflow(ctx.db(), workspace.id, definition);
    const latest = async () => (await versionToRun(sqlForHandle(ctx.handle()), { workspaceId: workspace.id, workflowId: workflow.workflowId })).versionId;
    // What another process (or a person at a psql prompt) would do, with the trigger that announces it switched off.
    const publishUnannounced = async () => {
      await ctx.db().execute(sql`ALTER TABLE workflows DISABLE TRIGGER workflows_config_update`);
      try {
        return await publishVersion(ctx.db(), workflow.workflowId, definition);
      } finally {
        await ctx.db().execute(sql`ALTER TABLE workflows ENABLE TRIGGER workflows_config_update`);
      }
    };
    return { workspace, workflow, latest, publishUnannounced };
  };

  it("reads a workflow's latest version from the database on every start while nothing listens", async () => {
    const { workflow, latest, publishUnannounced } = await setup();
    expect(await latest()).toBe(workflow.versionId);
    const next = await publishUnannounced();
    expect(await latest()).toBe(next);
  });

  it("serves it from memory while listening, and drops it when a committed change is announced", async () => {
    const { workflow, workspace, latest, publishUnannounced } = await setup();
    const caches = await startConfigCaches(ctx.handle());
    try {
      expect(await latest()).toBe(workflow.versionId);
      // Unannounced, the change is not seen: the answer comes from memory.
      const unannounced = await publishUnannounced();
      expect(await latest()).toBe(workflow.versionId);

      // A publish through any code path fires the trigger; the notification drops the entry.
      const announced = await publishVersion(ctx.db(), workflow.workflowId, definition);
      expect(announced).not.toBe(unannounced);
      await expect.poll(latest, { timeout: 5_000, interval: 20 }).toBe(announced);

      // So does a delete (a soft one here), and the start is refused.
      await ctx.db().execute(sql`UPDATE workflows SET deleted_at = now() WHERE id = ${workflow.workflowId}`);
      await expect
        .poll(() => latest().then(() => "found", (error: Error) => error.message), { timeout: 5_000, interval: 20 })
        .toMatch(/not found/i);

      // Another workspace's id never finds it, cached or not.
      await ctx.db().execute(sql`UPDATE workflows SET deleted_at = NULL WHERE id = ${workflow.workflowId}`);
      await expect.poll(latest, { timeout: 5_000, interval: 20 }).toBe(announced);
      const other = await createWorkspace(ctx.db(), (await createUser(ctx.db())).id);
      await expect(versionToRun(sqlForHandle(ctx.handle()), { workspaceId: other.id, workflowId: workflow.workflowId })).rejects.toThrow(/not found/i);
      expect(workspace.id).not.toBe(other.id);
    } finally {
      await caches.stop();
    }
  });

  it("drops an entry at once when this process made the change", async () => {
    const { workflow, latest, publishUnannounced } = await setup();
    const caches = await startConfigCaches(ctx.handle());
    try {
      expect(await latest()).toBe(workflow.versionId);
      const next = await publishUnannounced();
      invalidateConfig({ table: "workflows", id: workflow.workflowId });
      expect(await latest()).toBe(next);
    } finally {
      await caches.stop();
    }
  });

  it("leaves entries of other workflows, and ignores changes that do not touch what it caches", async () => {
    const { workflow, latest, publishUnannounced } = await setup();
    const caches = await startConfigCaches(ctx.handle());
    try {
      expect(await latest()).toBe(workflow.versionId);
      await publishUnannounced();
      // A draft edit is not announced, and another workflow's publish drops only that workflow.
      await ctx.db().execute(sql`UPDATE workflows SET draft_revision = draft_revision + 1 WHERE id = ${workflow.workflowId}`);
      const { workspace } = await setup();
      const unrelated = await createWorkflow(ctx.db(), workspace.id, definition);
      await publishVersion(ctx.db(), unrelated.workflowId, definition);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await latest()).toBe(workflow.versionId);
    } finally {
      await caches.stop();
    }
  });
}

describeEachDriver("configuration cache", suite, { drivers: ["pglite", "pg"] });
