import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { schema } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { workflowTemplates } from "./templates";
import { callerFor, rejection, workspaceWithRoles } from "./testing";

const twoSteps = {
  schemaVersion: 1 as const,
  nodes: [
    { id: "start", type: "trigger.manual" },
    { id: "double", type: "transform", config: { expression: "trigger.n * 2" } },
  ],
  edges: [{ id: "e1", source: "start", target: "double" }],
};

describeEachDriver("workflows", (ctx) => {
  async function setup() {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const workspaceId = cast.workspace.id;
    return { db, cast, workspaceId, editor: callerFor(db, cast.editor), viewer: callerFor(db, cast.viewer) };
  }

  it("creates a workflow with a manual trigger by default, unpublished, at revision 1", async () => {
    const { cast, workspaceId, editor, viewer } = await setup();
    const created = await editor.workflow.create({ workspaceId, name: "  Nightly sync  ", description: "Copies orders" });
    expect(created).toMatchObject({
      name: "Nightly sync",
      description: "Copies orders",
      revision: 1,
      concurrencyLimit: null,
      latestVersion: null,
      hasUnpublishedChanges: true,
      createdBy: cast.editor.id,
    });
    expect(created.definition.nodes.map((n) => n.type)).toEqual(["trigger.manual"]);
    expect(await viewer.workflow.get({ workspaceId, workflowId: created.id })).toEqual(created);
  });

  it("refuses a structurally invalid definition with the path of each problem", async () => {
    const { workspaceId, editor } = await setup();
    const error = await rejection(
      editor.workflow.create({ workspaceId, name: "Bad", definition: { schemaVersion: 1, nodes: [{ id: "has space", type: "transform" }], edges: [] } }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(["definition.nodes.0.id"]);
  });

  it("saves changes against the expected revision and refuses a stale one with the current revision", async () => {
    const { workspaceId, editor } = await setup();
    const { id: workflowId } = await editor.workflow.create({ workspaceId, name: "Draft" });
    const saved = await editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, definition: twoSteps, concurrencyLimit: 3 });
    expect(saved.revision).toBe(2);
    expect(saved.concurrencyLimit).toBe(3);
    expect(saved.definition.nodes.map((n) => n.id)).toEqual(["start", "double"]);
    expect(saved.updatedAt.getTime()).toBeGreaterThanOrEqual(saved.createdAt.getTime());

    const stale = await rejection(editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, name: "Lost update" }));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.extensions.currentRevision).toBe(2);
    expect((await editor.workflow.get({ workspaceId, workflowId })).name).toBe("Draft");

    const renamed = await editor.workflow.update({ workspaceId, workflowId, expectedRevision: 2, name: "Renamed", concurrencyLimit: null });
    expect(renamed).toMatchObject({ name: "Renamed", revision: 3, concurrencyLimit: null });
    expect((await rejection(editor.workflow.update({ workspaceId, workflowId, expectedRevision: 3 }))).code).toBe("BAD_REQUEST");
  });

  it("pages through every workflow exactly once in each sort order, and searches names literally", async () => {
    const { workspaceId, editor } = await setup();
    const names = ["delta", "Alpha", "charlie", "100% done", "bravo", "echo_1", "echo21"];
    for (const name of names) await editor.workflow.create({ workspaceId, name });

    for (const sort of ["updatedAt", "createdAt", "name"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await editor.workflow.list({ workspaceId, sort, order, limit: 3, cursor });
          seen.push(...page.items.map((w) => w.name));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        expect(pages, `${sort} ${order}`).toBe(3);
        expect([...seen].sort(), `${sort} ${order}`).toEqual([...names].sort());
        if (sort === "createdAt") expect(seen).toEqual(order === "asc" ? names : [...names].reverse());
      }
    }

    const byName = await editor.workflow.list({ workspaceId, sort: "name", limit: 100 });
    const sortedNames = byName.items.map((w) => w.name);
    expect(sortedNames).toHaveLength(names.length);
    expect(byName.nextCursor).toBeNull();

    expect((await editor.workflow.list({ workspaceId, search: "ECHO" })).items.map((w) => w.name).sort()).toEqual(["echo21", "echo_1"]);
    // % and _ are searched for, not used as wildcards.
    expect((await editor.workflow.list({ workspaceId, search: "%" })).items.map((w) => w.name)).toEqual(["100% done"]);
    expect((await editor.workflow.list({ workspaceId, search: "o_" })).items.map((w) => w.name)).toEqual(["echo_1"]);
  });

  it("refuses a cursor from another sort order or one it did not issue", async () => {
    const { workspaceId, editor } = await setup();
    for (const name of ["a", "b", "c"]) await editor.workflow.create({ workspaceId, name });
    const { nextCursor } = await editor.workflow.list({ workspaceId, limit: 1 });
    expect(nextCursor).not.toBeNull();
    const otherOrder = await rejection(editor.workflow.list({ workspaceId, sort: "name", cursor: nextCursor! }));
    expect(otherOrder.code).toBe("BAD_REQUEST");
    expect(otherOrder.message).toBe("The cursor belongs to another sort order");
    expect((await rejection(editor.workflow.list({ workspaceId, cursor: "not-a-cursor" }))).fieldErrors).toHaveProperty("cursor");
  });

  it("moves the edited workflow to the top of the default order", async () => {
    const { workspaceId, editor } = await setup();
    const first = await editor.workflow.create({ workspaceId, name: "first" });
    await editor.workflow.create({ workspaceId, name: "second" });
    await editor.workflow.update({ workspaceId, workflowId: first.id, expectedRevision: 1, description: "touched" });
    expect((await editor.workflow.list({ workspaceId })).items.map((w) => w.name)).toEqual(["first", "second"]);
  });

  it("soft-deletes: the workflow disappears, its row and runs stay, its schedules stop", async () => {
    const { db, workspaceId, editor } = await setup();
    const { id: workflowId } = await editor.workflow.create({ workspaceId, name: "Doomed" });
    await editor.workflowVersion.publish({ workspaceId, workflowId });
    const schedule = await editor.schedule.create({ workspaceId, workflowId, cron: "0 9 * * *" });
    expect(schedule.active).toBe(true);

    await editor.workflow.delete({ workspaceId, workflowId });
    expect((await rejection(editor.workflow.get({ workspaceId, workflowId }))).code).toBe("NOT_FOUND");
    expect((await rejection(editor.workflow.delete({ workspaceId, workflowId }))).code).toBe("NOT_FOUND");
    expect((await rejection(editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, name: "x" }))).code).toBe("NOT_FOUND");
    expect((await editor.workflow.list({ workspaceId })).items).toEqual([]);
    expect(await editor.schedule.list({ workspaceId })).toEqual([]);

    const [row] = await db.select().from(schema.workflows).where(eq(schema.workflows.id, workflowId));
    expect(row?.deletedAt).toBeInstanceOf(Date);
    const [scheduleRow] = await db.select().from(schema.schedules).where(eq(schema.schedules.id, schedule.id));
    expect(scheduleRow).toMatchObject({ active: false, nextRunAt: null });
  });

  it("duplicates the draft and settings into a new unpublished workflow", async () => {
    const { workspaceId, editor } = await setup();
    const original = await editor.workflow.create({ workspaceId, name: "Original", description: "d", definition: twoSteps, concurrencyLimit: 2 });
    await editor.workflowVersion.publish({ workspaceId, workflowId: original.id });
    const copy = await editor.workflow.duplicate({ workspaceId, workflowId: original.id });
    expect(copy).toMatchObject({ name: "Original (copy)", description: "d", concurrencyLimit: 2, revision: 1, latestVersion: null });
    expect(copy.id).not.toBe(original.id);
    expect(copy.definition).toEqual(original.definition);
    expect((await editor.workflow.duplicate({ workspaceId, workflowId: original.id, name: "Named" })).name).toBe("Named");
  });

  it("exports a document that imports into an equal workflow, with compiler problems reported", async () => {
    const { workspaceId, editor, viewer } = await setup();
    const original = await editor.workflow.create({ workspaceId, name: "Portable", description: "travels", definition: twoSteps, concurrencyLimit: 4 });
    const document = await viewer.workflow.export({ workspaceId, workflowId: original.id });
    expect(document).toMatchObject({ format: "trellis.workflow", formatVersion: 1, name: "Portable", description: "travels", concurrencyLimit: 4 });
    expect(Date.parse(document.exportedAt ?? "")).not.toBeNaN();

    const imported = await editor.workflow.import({ workspaceId, ...JSON.parse(JSON.stringify(document)) });
    expect(imported.problems).toEqual([]);
    expect(imported.workflow).toMatchObject({ name: "Portable", description: "travels", concurrencyLimit: 4, revision: 1 });
    expect(imported.workflow.definition).toEqual(original.definition);

    const unfinished = await editor.workflow.import({
      workspaceId,
      ...document,
      definition: { ...twoSteps, nodes: [...twoSteps.nodes, { id: "mystery", type: "does.not.exist" }] },
    });
    expect(unfinished.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: "unknown_node_type", nodeId: "mystery" })]));
  });

  it("refuses an import that is not a Trellis export, naming the paths", async () => {
    const { workspaceId, editor } = await setup();
    // A document a newer Trellis might write, with a blank name and a node without a type.
    const document = { workspaceId, format: "trellis.workflow", formatVersion: 2, name: "", definition: { schemaVersion: 1, nodes: [{ id: "a" }], edges: [] } };
    const error = await rejection(editor.workflow.import(document as never));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors).toEqual({
      formatVersion: ["Unsupported format version: this Trellis reads version 1"],
      name: ["Name the workflow"],
      "definition.nodes.0.type": [expect.any(String)],
    });
  });

  it("creates workflows from every built-in template", async () => {
    const { workspaceId, editor, viewer } = await setup();
    const templates = await viewer.template.list({ workspaceId });
    expect(templates.map((t) => t.id)).toEqual(workflowTemplates.map((t) => t.id));
    for (const template of templates) {
      const workflow = await editor.workflow.createFromTemplate({ workspaceId, templateId: template.id });
      expect(workflow.name).toBe(template.name);
      expect(workflow.definition).toEqual((await viewer.template.get({ workspaceId, templateId: template.id })).definition);
      // Every template publishes as it comes.
      const version = await editor.workflowVersion.publish({ workspaceId, workflowId: workflow.id });
      expect(version.number).toBe(1);
    }
    expect((await editor.workflow.createFromTemplate({ workspaceId, templateId: "for-each-item", name: "Mine" })).name).toBe("Mine");
    expect((await rejection(editor.workflow.createFromTemplate({ workspaceId, templateId: "no-such-template" }))).code).toBe("NOT_FOUND");
  });

  it("computes run statistics: zeros without runs, then counts, percentiles and the last run", async () => {
    const { db, workspaceId, editor, viewer } = await setup();
    const { id: workflowId } = await editor.workflow.create({ workspaceId, name: "Busy" });
    const empty = await viewer.workflow.stats({ workspaceId, workflowId });
    expect(empty).toMatchObject({ total: 0, durationMs: { p50: null, p95: null, samples: 0 }, lastRun: null, since: null });
    expect(Object.values(empty.byStatus).every((n) => n === 0)).toBe(true);

    const version = await editor.workflowVersion.publish({ workspaceId, workflowId });
    const start = new Date("2030-01-01T00:00:00Z").getTime();
    const finished = [
      ["succeeded", 100],
      ["succeeded", 200],
      ["failed", 300],
      ["succeeded", 400],
      ["cancelled", 1_000],
    ] as const;
    await db.insert(schema.runs).values(
      finished.map(([status, ms], i) => ({
        workspaceId,
        workflowId,
        versionId: version.id,
        status,
        triggerKind: "manual" as const,
        createdAt: new Date(start + i * 60_000),
        startedAt: new Date(start + i * 60_000),
        finishedAt: new Date(start + i * 60_000 + ms),
      })),
    );
    const [lastRun] = await db
      .insert(schema.runs)
      .values({ workspaceId, workflowId, versionId: version.id, status: "running", triggerKind: "api", createdAt: new Date(start + 3_600_000), startedAt: new Date(start + 3_600_000) })
      .returning();

    const stats = await viewer.workflow.stats({ workspaceId, workflowId });
    expect(stats.total).toBe(6);
    expect(stats.byStatus).toMatchObject({ succeeded: 3, failed: 1, cancelled: 1, running: 1, queued: 0 });
    // percentile_cont interpolates: p95 of 100..400,1000 sits 80% of the way from 400 to 1000.
    expect(stats.durationMs).toEqual({ p50: 300, p95: 880, samples: 5 });
    expect(stats.lastRun).toMatchObject({ id: lastRun?.id, status: "running", finishedAt: null });

    const recent = await viewer.workflow.stats({ workspaceId, workflowId, since: new Date(start + 3 * 60_000).toISOString() });
    expect(recent.total).toBe(3);
    expect(recent.durationMs).toMatchObject({ samples: 2 });
  });

  it("answers NOT_FOUND for another workspace's workflow, whatever the operation", async () => {
    const { db, cast, workspaceId, editor } = await setup();
    const outsider = callerFor(db, cast.outsider);
    const theirs = await outsider.workflow.create({ workspaceId: cast.otherWorkspace.id, name: "Theirs" });
    const workflowId = theirs.id;
    const calls = [
      () => editor.workflow.get({ workspaceId, workflowId }),
      () => editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, name: "Mine now" }),
      () => editor.workflow.delete({ workspaceId, workflowId }),
      () => editor.workflow.duplicate({ workspaceId, workflowId }),
      () => editor.workflow.export({ workspaceId, workflowId }),
      () => editor.workflow.stats({ workspaceId, workflowId }),
      () => editor.workflowVersion.publish({ workspaceId, workflowId }),
      () => editor.workflowVersion.list({ workspaceId, workflowId }),
      () => editor.schedule.create({ workspaceId, workflowId, cron: "* * * * *" }),
    ];
    for (const call of calls) expect((await rejection(call())).code).toBe("NOT_FOUND");
    expect((await outsider.workflow.get({ workspaceId: cast.otherWorkspace.id, workflowId })).name).toBe("Theirs");
    expect((await editor.workflow.list({ workspaceId })).items).toEqual([]);
  });
});
