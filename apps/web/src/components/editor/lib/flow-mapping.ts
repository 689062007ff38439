import type { Edge, Node, NodeHandle, Position } from "@xyflow/react";
import { inputsOf, outputsOf } from "./connections";
import { nodeSummary } from "./summary";
import type { RunOverlay } from "./test-run";
import {
  DEFAULT_INPUT,
  ERROR_HANDLE,
  type Descriptors,
  type DiffStatus,
  type HandleSpec,
  type NodeDescriptor,
  type Problem,
  type ScheduleInfo,
  type WorkflowDefinition,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "./types";

/**
 * The canvas is derived from the definition (the single source of truth):
 * each workflow node becomes a React Flow node, each edge an edge. The
 * derivers remember what they built and hand back the same object for a node
 * whose inputs did not change, so an edit of one node re-renders one node,
 * not five hundred.
 */
export const WORKFLOW_NODE = "workflow";
export const WORKFLOW_EDGE = "workflow";

export interface WorkflowNodeData extends Record<string, unknown> {
  node: WorkflowNode;
  descriptor: NodeDescriptor | undefined;
  inputs: HandleSpec[];
  outputs: HandleSpec[];
  /** Whether the outputs are listed with their labels under the header (several, or one that is not "out"). */
  labelledOutputs: boolean;
  summary: string;
  problems: readonly Problem[] | undefined;
  schedule: ScheduleInfo | undefined;
  diff: DiffStatus | undefined;
  readOnly: boolean;
  /** Set while the editor shows a test run: the node's state in it. */
  overlay?: RunOverlay;
}
export type WorkflowFlowNode = Node<WorkflowNodeData, typeof WORKFLOW_NODE>;

export interface WorkflowEdgeData extends Record<string, unknown> {
  problems: readonly Problem[] | undefined;
  diff: DiffStatus | undefined;
  error: boolean;
}
export type WorkflowFlowEdge = Edge<WorkflowEdgeData, typeof WORKFLOW_EDGE>;

export interface Size {
  width: number;
  height: number;
}

/** Everything besides the definition that decides how nodes look. */
export interface NodeView {
  descriptors: Descriptors;
  selected: ReadonlySet<string>;
  /** The size React Flow measured, for nodes it has drawn: a node object built anew keeps it, so it is not hidden and measured again. */
  measuredOf: (id: string) => Size | undefined;
  /** Positions of nodes being dragged (committed to the definition when the drag ends). */
  dragging: ReadonlyMap<string, XY> | null;
  problems: ReadonlyMap<string, readonly Problem[]>;
  schedules: ReadonlyMap<string, ScheduleInfo>;
  diff: ReadonlyMap<string, DiffStatus> | null;
  readOnly: boolean;
}

export interface EdgeView {
  selected: ReadonlySet<string>;
  problems: ReadonlyMap<string, readonly Problem[]>;
  diff: ReadonlyMap<string, DiffStatus> | null;
  readOnly: boolean;
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function nodeLabel(node: WorkflowNode, descriptor: NodeDescriptor | undefined): string {
  return node.name?.trim() || descriptor?.title || node.id;
}

/**
 * The node card's fixed geometry (see .wf-node in globals.css). Knowing it,
 * a node React Flow has not drawn yet still has a size and handle positions:
 * with `onlyRenderVisibleElements`, a 500-node workflow then draws only the
 * nodes in view instead of all of them once to measure them.
 */
export const NODE_GEOMETRY = { width: 240, border: 1, header: 46, summary: 25, outputsPadding: 3, outputRow: 22, handle: 11 } as const;

export function estimateNode(inputs: readonly HandleSpec[], outputs: readonly HandleSpec[], labelledOutputs: boolean, hasSummary: boolean): { width: number; height: number; handles: NodeHandle[] } {
  const g = NODE_GEOMETRY;
  const headerMiddle = g.border + g.header / 2;
  // Handles are centred on the card's inner edge (React Flow's default placement).
  const left = g.border - g.handle / 2;
  const right = g.width - g.border - g.handle / 2;
  const handles: NodeHandle[] = inputs.map((h) => ({ id: h.id, type: "target", position: "left" as Position, x: left, y: headerMiddle - g.handle / 2, width: g.handle, height: g.handle }));
  let height = g.border * 2 + g.header;
  if (hasSummary) height += 1 + g.summary;
  if (labelledOutputs) {
    const top = height - g.border + 1 + g.outputsPadding;
    outputs.forEach((h, i) =>
      handles.push({ id: h.id, type: "source", position: "right" as Position, x: right, y: top + i * g.outputRow + g.outputRow / 2 - g.handle / 2, width: g.handle, height: g.handle }),
    );
    height += 1 + g.outputsPadding * 2 + outputs.length * g.outputRow;
  } else if (outputs[0]) {
    handles.push({ id: outputs[0].id, type: "source", position: "right" as Position, x: right, y: headerMiddle - g.handle / 2, width: g.handle, height: g.handle });
  }
  return { width: g.width, height, handles };
}

/** The size a node will have once drawn (for layout and fitting before React Flow has measured it). */
export function estimatedSize(node: WorkflowNode, descriptor: NodeDescriptor | undefined): Size {
  const outputs = outputsOf(node, descriptor);
  const labelled = outputs.length > 1 || (outputs[0] !== undefined && outputs[0].id !== "out");
  const { width, height } = estimateNode(inputsOf(descriptor), outputs, labelled, nodeSummary(node, undefined) !== "");
  return { width, height };
}

/** One node as React Flow draws it. */
export function toFlowNode(
  node: WorkflowNode,
  view: NodeView,
  usesErrorHandle: boolean,
): WorkflowFlowNode {
  const descriptor = view.descriptors.get(node.type);
  const problems = view.problems.get(node.id);
  const diff = view.diff?.get(node.id);
  const errors = problems?.filter((p) => p.severity === "error").length ?? 0;
  const measured = view.measuredOf(node.id);
  const locked = view.readOnly || diff === "removed";
  const label = nodeLabel(node, descriptor);
  const inputs = inputsOf(descriptor);
  const outputs = outputsOf(node, descriptor, usesErrorHandle);
  const labelledOutputs = outputs.length > 1 || (outputs[0] !== undefined && outputs[0].id !== "out");
  const summary = nodeSummary(node, view.schedules.get(node.id));
  // Drawn before: keep React Flow's measurements. Never drawn: its estimated size and handles.
  const estimate = measured ? null : estimateNode(inputs, outputs, labelledOutputs, summary !== "");
  return {
    id: node.id,
    type: WORKFLOW_NODE,
    position: view.dragging?.get(node.id) ?? node.position,
    data: {
      node,
      descriptor,
      inputs,
      outputs,
      labelledOutputs,
      summary,
      problems,
      schedule: view.schedules.get(node.id),
      diff,
      readOnly: locked,
    },
    selected: view.selected.has(node.id),
    // On the wrapper too, for tests and assistive styling: "has-error", "diff-changed"…
    className: [errors > 0 ? "has-error" : problems?.length ? "has-warning" : "", diff ? `diff-${diff}` : ""].filter(Boolean).join(" ") || undefined,
    draggable: !locked,
    connectable: !locked,
    deletable: !locked,
    ariaLabel: `${label}, ${descriptor?.title ?? node.type}${errors > 0 ? `, ${plural(errors, "problem")}` : ""}${diff ? `, ${diff}` : ""}`,
    ...(measured ? { measured } : { initialWidth: estimate?.width, initialHeight: estimate?.height, handles: estimate?.handles }),
  };
}

/** Builds nodes, reusing the previous objects for unchanged ones. */
export function createNodeDeriver() {
  let cache = new Map<string, { inputs: unknown[]; node: WorkflowFlowNode }>();
  return function deriveNodes(definition: WorkflowDefinition, view: NodeView): WorkflowFlowNode[] {
    const errorUsers = new Set<string>();
    for (const edge of definition.edges) if (edge.sourceHandle === ERROR_HANDLE) errorUsers.add(edge.source);
    const next = new Map<string, { inputs: unknown[]; node: WorkflowFlowNode }>();
    const nodes = definition.nodes.map((node) => {
      const inputs = [
        node,
        view.descriptors.get(node.type),
        view.selected.has(node.id),
        view.dragging?.get(node.id),
        view.problems.get(node.id),
        view.schedules.get(node.id),
        view.diff?.get(node.id),
        errorUsers.has(node.id),
        view.readOnly,
      ];
      const cached = cache.get(node.id);
      const entry = cached && sameInputs(cached.inputs, inputs) ? cached : { inputs, node: toFlowNode(node, view, errorUsers.has(node.id)) };
      next.set(node.id, entry);
      return entry.node;
    });
    cache = next;
    return nodes;
  };
}

/** One edge as React Flow draws it; handles are spelled out as the engine defaults them. */
export function toFlowEdge(edge: WorkflowEdge, source: WorkflowNode | undefined, view: EdgeView, descriptors: Descriptors): WorkflowFlowEdge {
  const diff = view.diff?.get(edge.id);
  const problems = view.problems.get(edge.id);
  const locked = view.readOnly || diff === "removed";
  let sourceHandle = edge.sourceHandle ?? null;
  if (sourceHandle === null && source) {
    const named = outputsOf(source, descriptors.get(source.type)).filter((h) => h.id !== ERROR_HANDLE);
    sourceHandle = named[0]?.id ?? null;
  }
  return {
    id: edge.id,
    type: WORKFLOW_EDGE,
    source: edge.source,
    target: edge.target,
    sourceHandle,
    targetHandle: edge.targetHandle ?? DEFAULT_INPUT,
    selected: view.selected.has(edge.id),
    deletable: !locked,
    focusable: true,
    data: { problems, diff, error: sourceHandle === ERROR_HANDLE },
  };
}

export function createEdgeDeriver() {
  let cache = new Map<string, { inputs: unknown[]; edge: WorkflowFlowEdge }>();
  return function deriveEdges(definition: WorkflowDefinition, view: EdgeView, descriptors: Descriptors): WorkflowFlowEdge[] {
    const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
    const next = new Map<string, { inputs: unknown[]; edge: WorkflowFlowEdge }>();
    const edges = definition.edges.map((edge) => {
      const source = nodes.get(edge.source);
      const inputs = [
        edge,
        // Only a default source handle depends on the source node (a switch's first case).
        edge.sourceHandle == null ? source : null,
        view.selected.has(edge.id),
        view.problems.get(edge.id),
        view.diff?.get(edge.id),
        view.readOnly,
      ];
      const cached = cache.get(edge.id);
      const entry = cached && sameInputs(cached.inputs, inputs) ? cached : { inputs, edge: toFlowEdge(edge, source, view, descriptors) };
      next.set(edge.id, entry);
      return entry.edge;
    });
    cache = next;
    return edges;
  };
}

/**
 * Problems grouped by the node or edge they concern. Groups whose content did
 * not change keep their previous array, so a new compile result does not
 * re-render nodes whose problems are the same.
 */
export interface ProblemGroups {
  nodes: Map<string, readonly Problem[]>;
  edges: Map<string, readonly Problem[]>;
}

const problemKey = (list: readonly Problem[]) => JSON.stringify(list.map((p) => [p.severity, p.code, p.message, p.path ?? null]));

export function groupProblems(problems: readonly Problem[], previous?: ProblemGroups): ProblemGroups {
  const nodes = new Map<string, Problem[]>();
  const edges = new Map<string, Problem[]>();
  for (const problem of problems) {
    if (problem.edgeId !== undefined) {
      const list = edges.get(problem.edgeId);
      if (list) list.push(problem);
      else edges.set(problem.edgeId, [problem]);
    } else if (problem.nodeId !== undefined) {
      const list = nodes.get(problem.nodeId);
      if (list) list.push(problem);
      else nodes.set(problem.nodeId, [problem]);
    }
  }
  const keep = (fresh: Map<string, Problem[]>, old: Map<string, readonly Problem[]> | undefined) => {
    const out = new Map<string, readonly Problem[]>();
    for (const [id, list] of fresh) {
      const before = old?.get(id);
      out.set(id, before && problemKey(before) === problemKey(list) ? before : list);
    }
    return out;
  };
  return { nodes: keep(nodes, previous?.nodes), edges: keep(edges, previous?.edges) };
}
