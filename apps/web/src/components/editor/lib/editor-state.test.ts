import { describe, expect, it } from "vitest";
import { addNode } from "./definition-ops";
import { editorReducer, initialEditorState } from "./editor-state";
import { descriptors, orderRouter } from "./test-fixtures";

describe("editor state", () => {
  it("keeps drag positions aside and commits them as one undo step when the drag ends", () => {
    let state = initialEditorState(orderRouter());
    state = editorReducer(state, { type: "nodeChanges", now: 1, changes: [{ type: "position", id: "big", position: { x: 10, y: 10 }, dragging: true }] });
    state = editorReducer(state, { type: "nodeChanges", now: 2, changes: [{ type: "position", id: "big", position: { x: 20, y: 20 }, dragging: true }] });
    expect(state.dragging?.get("big")).toEqual({ x: 20, y: 20 });
    expect(state.history.past).toHaveLength(0);
    state = editorReducer(state, { type: "nodeChanges", now: 3, changes: [{ type: "position", id: "big", position: { x: 30.4, y: 30 }, dragging: false }] });
    expect(state.dragging).toBeNull();
    expect(state.history.present.nodes[3]?.position).toEqual({ x: 30, y: 30 });
    expect(state.history.past).toHaveLength(1);
    state = editorReducer(state, { type: "undo" });
    expect(state.history.present.nodes[3]?.position).toEqual({ x: 840, y: -80 });
  });

  it("tracks selection from canvas changes and ignores sizes", () => {
    let state = initialEditorState(orderRouter());
    const before = state;
    state = editorReducer(state, { type: "nodeChanges", now: 0, changes: [{ type: "dimensions", id: "big", dimensions: { width: 240, height: 80 } }] });
    expect(state).toBe(before);
    state = editorReducer(state, { type: "nodeChanges", now: 0, changes: [{ type: "select", id: "big", selected: true }, { type: "select", id: "small", selected: true }] });
    state = editorReducer(state, { type: "edgeChanges", changes: [{ type: "select", id: "e1", selected: true }] });
    state = editorReducer(state, { type: "nodeChanges", now: 0, changes: [{ type: "select", id: "big", selected: false }] });
    expect([...state.selectedNodes]).toEqual(["small"]);
    expect([...state.selectedEdges]).toEqual(["e1"]);
  });

  it("applies edits to the present draft and selects what they ask for", () => {
    let state = initialEditorState(orderRouter());
    state = editorReducer(state, {
      type: "edit",
      now: 0,
      change: (d) => {
        const added = addNode(d, descriptors(), "noop", { x: 0, y: 0 });
        return { definition: added.definition, select: { nodes: [added.id] } };
      },
    });
    expect(state.history.present.nodes.at(-1)?.id).toBe("noop");
    expect([...state.selectedNodes]).toEqual(["noop"]);
    state = editorReducer(state, { type: "redo" });
    state = editorReducer(state, { type: "undo" });
    expect(state.history.present.nodes).toHaveLength(5);
    state = editorReducer(state, { type: "load", definition: orderRouter() });
    expect(state.history.past).toHaveLength(0);
  });
});
