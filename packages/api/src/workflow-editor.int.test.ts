import { expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor, publishedWorkflow, runDefinitions, workspaceWithRoles } from "./testing";

describeEachDriver("what the editor and the workflow list need from the server", (ctx) => {
  async function setup() {
    const cast = await workspaceWithRoles(ctx.db());
    return { workspaceId: cast.workspace.id, editor: callerFor(ctx.db(), cast.editor), viewer: callerFor(ctx.db(), cast.viewer) };
  }

  it("checks a draft server-side: the compiler's problems, and the next fire times of schedule triggers", async () => {
    const { workspaceId, viewer } = await setup();
    const check = await viewer.workflow.check({
      workspaceId,
      definition: {
        schemaVersion: 1,
        nodes: [
          { id: "nightly", type: "trigger.schedule", config: { cron: "0 3 * * *", timezone: "Europe/Paris" } },
          { id: "broken", type: "trigger.schedule", config: { cron: "not a cron" } },
          { id: "mystery", type: "no.such.node" },
          { id: "sum", type: "transform", config: {} },
        ],
        edges: [
          { id: "e1", source: "nightly", target: "sum" },
          { id: "e2", source: "sum", target: "nowhere" },
        ],
      },
    });
    const problemsAt = check.problems.map((p) => [p.code, p.nodeId ?? p.edgeId]);
    expect(problemsAt).toEqual(expect.arrayContaining([["unknown_node_type", "mystery"], expect.arrayContaining(["e2"])]));
    expect(check.problems.some((p) => p.nodeId === "sum" && p.severity === "error")).toBe(true);
    const nightly = check.schedules.nightly;
    expect(nightly).toMatchObject({ ok: true, timezone: "Europe/Paris" });
    expect(nightly?.ok && nightly.times).toHaveLength(5);
    if (nightly?.ok) expect(new Date(nightly.times[0]!).getTime()).toBeGreaterThan(Date.now());
    expect(check.schedules.broken).toMatchObject({ ok: false, message: expect.any(String) });

    const clean = await viewer.workflow.check({ workspaceId, definition: runDefinitions.greeting });
    expect(clean).toEqual({ problems: [], schedules: {} });
    // A draft that is not even a definition gets problems, not an error.
    expect((await viewer.workflow.check({ workspaceId, definition: "nonsense" })).problems.length).toBeGreaterThan(0);
  });

  it("lists workflows with their last run, in the order asked for", async () => {
    const { workspaceId, editor, viewer } = await setup();
    const first = await publishedWorkflow(editor, workspaceId, runDefinitions.sleeper, "A first");
    const second = await publishedWorkflow(editor, workspaceId, runDefinitions.sleeper, "B second");
    await editor.run.start({ workspaceId, workflowId: first.workflowId });
    const latest = (await editor.run.start({ workspaceId, workflowId: first.workflowId })).run;
    await editor.run.cancel({ workspaceId, runId: latest.id });

    const byName = await viewer.workflow.list({ workspaceId, sort: "name", order: "desc" });
    expect(byName.items.map((w) => w.name)).toEqual(["B second", "A first"]);
    const [b, a] = byName.items;
    expect(b?.id).toBe(second.workflowId);
    expect(b?.lastRun).toBeNull();
    expect(a?.lastRun).toEqual({ id: latest.id, status: "cancelled", finishedAt: expect.any(Date) });
    expect((await viewer.workflow.get({ workspaceId, workflowId: first.workflowId })).lastRun?.id).toBe(latest.id);
    expect((await viewer.workflow.list({ workspaceId, sort: "name", order: "asc" })).items.map((w) => w.name)).toEqual(["A first", "B second"]);
  });

  it("says which config fields of a node type are JSONata", async () => {
    const { workspaceId, viewer } = await setup();
    const types = new Map((await viewer.nodeType.list({ workspaceId })).map((t) => [t.type, t.expressionFields]));
    expect(types.get("transform")).toEqual(["expression"]);
    expect(types.get("switch")).toEqual(["cases.*.expression"]);
    expect(types.get("http.request")).toEqual([]);
    expect((await viewer.nodeType.get({ workspaceId, type: "condition" })).expressionFields).toEqual(["expression"]);
  });
});
