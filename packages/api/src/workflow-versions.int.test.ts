import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { schema } from "@trellis/db";
import type { WorkflowDefinitionInput } from "@trellis/engine";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor, rejection, workspaceWithRoles } from "./testing";

const v1: WorkflowDefinitionInput = {
  schemaVersion: 1,
  nodes: [
    { id: "start", type: "trigger.manual" },
    { id: "fetch", type: "http.request", config: { url: "https://a.example/items", headers: { "x-trace": "on" } } },
  ],
  edges: [{ id: "e1", source: "start", target: "fetch" }],
};

const v2: WorkflowDefinitionInput = {
  schemaVersion: 1,
  nodes: [
    { id: "start", type: "trigger.manual" },
    { id: "fetch", type: "http.request", config: { url: "https://b.example/items", headers: { "x-trace": "on", accept: "application/json" } } },
    { id: "count", type: "transform", config: { expression: "$count(nodes.fetch.output.body)" } },
  ],
  edges: [
    { id: "e1", source: "start", target: "fetch" },
    { id: "e2", source: "fetch", target: "count" },
  ],
};

describeEachDriver("workflow versions", (ctx) => {
  async function setup(definition: WorkflowDefinitionInput = v1) {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const workspaceId = cast.workspace.id;
    const editor = callerFor(db, cast.editor);
    const workflow = await editor.workflow.create({ workspaceId, name: "Versioned", definition });
    return { db, cast, workspaceId, editor, viewer: callerFor(db, cast.viewer), workflowId: workflow.id };
  }

  it("publishes the draft as version 1, then n+1, leaving the draft and its revision alone", async () => {
    const { cast, workspaceId, editor, viewer, workflowId } = await setup();
    const first = await editor.workflowVersion.publish({ workspaceId, workflowId, message: "  First  " });
    expect(first).toMatchObject({ number: 1, message: "First", workflowId, createdBy: cast.editor.id, warnings: [] });
    expect(first.definition.nodes.map((n) => n.id)).toEqual(["start", "fetch"]);

    const published = await viewer.workflow.get({ workspaceId, workflowId });
    expect(published).toMatchObject({ revision: 1, hasUnpublishedChanges: false, latestVersion: { id: first.id, number: 1 } });

    const edited = await editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, definition: v2 });
    expect(edited.hasUnpublishedChanges).toBe(true);
    const second = await editor.workflowVersion.publish({ workspaceId, workflowId, expectedRevision: 2 });
    expect(second).toMatchObject({ number: 2, message: "" });
    expect((await viewer.workflow.get({ workspaceId, workflowId })).latestVersion?.number).toBe(2);

    // Versions are immutable: version 1 still holds what was published.
    expect((await viewer.workflowVersion.get({ workspaceId, workflowId, number: 1 })).definition).toEqual(first.definition);
  });

  it("refuses to publish a draft with compiler problems, answering them by node", async () => {
    const broken: WorkflowDefinitionInput = { ...v1, nodes: [...v1.nodes, { id: "mystery", type: "does.not.exist" }, { id: "bad", type: "http.request", config: { url: 42 } }] };
    const { db, workspaceId, editor, workflowId } = await setup(broken);
    const error = await rejection(editor.workflowVersion.publish({ workspaceId, workflowId }));
    expect(error.code).toBe("UNPROCESSABLE_CONTENT");
    expect(error.message).toBe("Cannot publish: the definition has 2 problems");
    expect(error.extensions.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: "error", code: "unknown_node_type", nodeId: "mystery" }),
        expect.objectContaining({ severity: "error", code: "invalid_config", nodeId: "bad", path: ["url"] }),
      ]),
    );
    expect(error.fieldErrors).toMatchObject({ "nodes.mystery.type": [expect.any(String)], "nodes.bad.url": [expect.any(String)] });
    expect(await db.select().from(schema.workflowVersions).where(eq(schema.workflowVersions.workflowId, workflowId))).toEqual([]);
  });

  it("publishes with warnings, and refuses a stale expected revision", async () => {
    const island: WorkflowDefinitionInput = { ...v1, nodes: [...v1.nodes, { id: "island", type: "noop" }] };
    const { workspaceId, editor, workflowId } = await setup(island);
    const stale = await rejection(editor.workflowVersion.publish({ workspaceId, workflowId, expectedRevision: 7 }));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.extensions.currentRevision).toBe(1);
    const version = await editor.workflowVersion.publish({ workspaceId, workflowId, expectedRevision: 1 });
    expect(version.warnings).toEqual([expect.objectContaining({ severity: "warning", code: "unreachable_node", nodeId: "island" })]);
  });

  it("numbers concurrent publishes without gaps or collisions", async () => {
    const { workspaceId, editor, workflowId } = await setup();
    const versions = await Promise.all(Array.from({ length: 5 }, (_, i) => editor.workflowVersion.publish({ workspaceId, workflowId, message: `#${i}` })));
    expect(versions.map((v) => v.number).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("lists versions newest first, a page at a time", async () => {
    const { workspaceId, editor, viewer, workflowId } = await setup();
    for (const message of ["one", "two", "three"]) await editor.workflowVersion.publish({ workspaceId, workflowId, message });
    const first = await viewer.workflowVersion.list({ workspaceId, workflowId, limit: 2 });
    expect(first.items.map((v) => [v.number, v.message])).toEqual([
      [3, "three"],
      [2, "two"],
    ]);
    expect(first.items[0]).not.toHaveProperty("definition");
    const second = await viewer.workflowVersion.list({ workspaceId, workflowId, limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [{ number: 1, message: "one" }], nextCursor: null });
    expect((await rejection(viewer.workflowVersion.get({ workspaceId, workflowId, number: 9 }))).message).toBe("Version 9 not found");
  });

  it("restores an old version as the draft at a new revision", async () => {
    const { workspaceId, editor, workflowId } = await setup();
    await editor.workflowVersion.publish({ workspaceId, workflowId });
    await editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, definition: v2 });
    await editor.workflowVersion.publish({ workspaceId, workflowId });

    const stale = await rejection(editor.workflowVersion.restore({ workspaceId, workflowId, number: 1, expectedRevision: 1 }));
    expect(stale.code).toBe("CONFLICT");
    const restored = await editor.workflowVersion.restore({ workspaceId, workflowId, number: 1, expectedRevision: 2 });
    expect(restored.revision).toBe(3);
    expect(restored.definition.nodes.map((n) => n.id)).toEqual(["start", "fetch"]);
    // The draft now differs from the latest version (2), which nothing changed.
    expect(restored).toMatchObject({ hasUnpublishedChanges: true, latestVersion: { number: 2 } });
    expect((await rejection(editor.workflowVersion.restore({ workspaceId, workflowId, number: 5, expectedRevision: 3 }))).code).toBe("NOT_FOUND");
  });

  it("compares two versions node by node and edge by edge", async () => {
    const { workspaceId, editor, viewer, workflowId } = await setup();
    await editor.workflowVersion.publish({ workspaceId, workflowId, message: "first" });
    await editor.workflow.update({ workspaceId, workflowId, expectedRevision: 1, definition: v2 });
    await editor.workflowVersion.publish({ workspaceId, workflowId, message: "second" });

    const comparison = await viewer.workflowVersion.compare({ workspaceId, workflowId, from: 1, to: 2 });
    expect(comparison.from).toMatchObject({ number: 1, message: "first" });
    expect(comparison.to).toMatchObject({ number: 2, message: "second" });
    expect(comparison.diff.identical).toBe(false);
    expect(comparison.diff.nodes.added).toEqual([{ id: "count", type: "transform", name: null }]);
    expect(comparison.diff.nodes.removed).toEqual([]);
    expect(comparison.diff.nodes.changed).toEqual([
      {
        id: "fetch",
        type: "http.request",
        name: null,
        fields: [],
        config: [
          { path: ["headers", "accept"], kind: "added", after: "application/json" },
          { path: ["url"], kind: "changed", before: "https://a.example/items", after: "https://b.example/items" },
        ],
      },
    ]);
    expect(comparison.diff.edges).toEqual({ added: [expect.objectContaining({ id: "e2", source: "fetch", target: "count" })], removed: [] });

    const reverse = await viewer.workflowVersion.compare({ workspaceId, workflowId, from: 2, to: 1 });
    expect(reverse.diff.nodes.removed.map((n) => n.id)).toEqual(["count"]);
    expect((await viewer.workflowVersion.compare({ workspaceId, workflowId, from: 2, to: 2 })).diff.identical).toBe(true);
    expect((await rejection(viewer.workflowVersion.compare({ workspaceId, workflowId, from: 1, to: 3 }))).code).toBe("NOT_FOUND");
  });
});
