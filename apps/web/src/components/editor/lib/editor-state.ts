import type { EdgeChange, NodeChange } from "@xyflow/react";
import { moveNodes } from "./definition-ops";
import { commit, createHistory, redo, undo, type History } from "./history";
import type { WorkflowDefinition, XY } from "./types";

/**
 * The editor's state: the draft's undo history (whose present is the single
 * source of truth for the canvas) and what is purely visual — selection and
 * positions during a drag. Measured sizes stay in React Flow's store: keeping
 * them here would re-derive every node once they are measured.
 */
export interface EditorState {
  history: History<WorkflowDefinition>;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  dragging: ReadonlyMap<string, XY> | null;
}

export type EditorAction =
  | { type: "edit"; change: (definition: WorkflowDefinition) => EditResult; now: number; key?: string }
  | { type: "undo" }
  | { type: "redo" }
  /** A definition from the server (reload after a conflict): history starts over. */
  | { type: "load"; definition: WorkflowDefinition }
  | { type: "select"; nodes: readonly string[]; edges: readonly string[] }
  | { type: "nodeChanges"; changes: readonly NodeChange[]; now: number }
  | { type: "edgeChanges"; changes: readonly EdgeChange[] };

/** What an edit makes of the draft: a new definition, optionally with what to select afterwards. */
export type EditResult = WorkflowDefinition | { definition: WorkflowDefinition; select: { nodes: readonly string[]; edges?: readonly string[] } };

export function initialEditorState(definition: WorkflowDefinition): EditorState {
  return { history: createHistory(definition), selectedNodes: new Set(), selectedEdges: new Set(), dragging: null };
}

function toggled(set: ReadonlySet<string>, changes: readonly { id: string; selected: boolean }[]): ReadonlySet<string> {
  let next: Set<string> | null = null;
  for (const change of changes) {
    if (set.has(change.id) === change.selected) continue;
    next ??= new Set(set);
    if (change.selected) next.add(change.id);
    else next.delete(change.id);
  }
  return next ?? set;
}

function applyNodeChanges(state: EditorState, changes: readonly NodeChange[], now: number): EditorState {
  let dragging: Map<string, XY> | null = state.dragging ? new Map(state.dragging) : null;
  let draggingChanged = false;
  const finished = new Map<string, XY>();
  const selections: { id: string; selected: boolean }[] = [];
  for (const change of changes) {
    if (change.type === "position") {
      if (change.dragging && change.position) {
        dragging ??= new Map();
        dragging.set(change.id, change.position);
        draggingChanged = true;
      } else if (!change.dragging) {
        const to = change.position ?? dragging?.get(change.id);
        if (to) finished.set(change.id, to);
        if (dragging?.delete(change.id)) draggingChanged = true;
      }
    } else if (change.type === "select") {
      selections.push({ id: change.id, selected: change.selected });
    }
    // "dimensions" stay in React Flow's store; "remove" is handled once, by
    // onDelete; "add" and "replace" never come from the definition-driven canvas.
  }
  let next = state;
  if (draggingChanged) next = { ...next, dragging: dragging && dragging.size > 0 ? dragging : null };
  if (selections.length > 0) next = { ...next, selectedNodes: toggled(next.selectedNodes, selections) };
  if (finished.size > 0) {
    const definition = moveNodes(next.history.present, finished);
    // Arrow-key nudges of the same nodes merge into one undo step.
    const key = `move:${[...finished.keys()].sort().join(",")}`;
    next = { ...next, history: commit(next.history, definition, { key, now }) };
  }
  return next;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "edit": {
      const result = action.change(state.history.present);
      const [definition, select] = "select" in result ? [result.definition, result.select] : [result, undefined];
      const history = commit(state.history, definition, { key: action.key, now: action.now });
      if (!select) return history === state.history ? state : { ...state, history };
      return { ...state, history, selectedNodes: new Set(select.nodes), selectedEdges: new Set(select.edges ?? []) };
    }
    case "undo": {
      const history = undo(state.history);
      return history === state.history ? state : { ...state, history, dragging: null };
    }
    case "redo": {
      const history = redo(state.history);
      return history === state.history ? state : { ...state, history, dragging: null };
    }
    case "load":
      return { ...state, history: createHistory(action.definition), dragging: null };
    case "select":
      return { ...state, selectedNodes: new Set(action.nodes), selectedEdges: new Set(action.edges) };
    case "nodeChanges":
      return applyNodeChanges(state, action.changes, action.now);
    case "edgeChanges": {
      const selections = action.changes.flatMap((c) => (c.type === "select" ? [{ id: c.id, selected: c.selected }] : []));
      if (selections.length === 0) return state;
      const selectedEdges = toggled(state.selectedEdges, selections);
      return selectedEdges === state.selectedEdges ? state : { ...state, selectedEdges };
    }
  }
}
