"use client";

import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useConnection,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type OnConnectEnd,
  type ReactFlowState,
} from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useState, type DragEvent, type RefObject } from "react";
import { WORKFLOW_EDGE, WORKFLOW_NODE, type WorkflowFlowEdge, type WorkflowFlowNode } from "./lib/flow-mapping";
import type { ConnectionRequest } from "./lib/types";
import { NODE_TYPE_MIME } from "./palette";
import { WorkflowEdgeComponent } from "./workflow-edge";
import { WorkflowNodeComponent } from "./workflow-node";

const nodeTypes = { [WORKFLOW_NODE]: WorkflowNodeComponent };
const edgeTypes = { [WORKFLOW_EDGE]: WorkflowEdgeComponent };
const deleteKeys = ["Delete", "Backspace"];
const multiSelectKeys = ["Meta", "Control"];
const proOptions = { hideAttribution: false };
const ariaLabels = {
  "node.a11yDescription.default": "Press Enter or Space to select the node, then the arrow keys to move it and Delete to remove it.",
  "node.a11yDescription.keyboardDisabled": "Press Enter or Space to select the node.",
  "controls.ariaLabel": "Canvas zoom controls",
  "controls.zoomIn.ariaLabel": "Zoom in",
  "controls.zoomOut.ariaLabel": "Zoom out",
  "controls.interactive.ariaLabel": "Lock or unlock the canvas",
  "minimap.ariaLabel": "Minimap",
};

const runColour: Record<string, string> = { running: "#3b5bdb", waiting: "#e8a200", succeeded: "#2b8a3e", failed: "#e03131" };

const minimapColor = (node: WorkflowFlowNode) => {
  const run = node.data.overlay ? runColour[node.data.overlay.state] : undefined;
  if (run) return run;
  if (node.data.diff === "added") return "#2b8a3e";
  if (node.data.diff === "removed") return "#e03131";
  if (node.data.diff === "changed") return "#e8a200";
  if (node.data.problems?.some((p) => p.severity === "error")) return "#e03131";
  return node.data.descriptor?.category === "trigger" ? "#2b8a3e" : "#9aa3b5";
};

/** Turns React Flow's view of a finished (refused) connection into what the definition calls it. */
export function connectionOf(state: { fromNode: { id: string } | null; fromHandle: { id?: string | null; type: string } | null; toNode: { id: string } | null; toHandle: { id?: string | null; type: string } | null }): ConnectionRequest | null {
  if (!state.fromNode || !state.fromHandle || !state.toNode) return null;
  const fromSource = state.fromHandle.type === "source";
  const from = { node: state.fromNode.id, handle: state.fromHandle.id ?? null };
  const to = { node: state.toNode.id, handle: state.toHandle?.id ?? null };
  return fromSource
    ? { source: from.node, sourceHandle: from.handle, target: to.node, targetHandle: to.handle }
    : { source: to.node, sourceHandle: to.handle, target: from.node, targetHandle: from.handle };
}

interface CanvasProps {
  nodes: WorkflowFlowNode[];
  edges: WorkflowFlowEdge[];
  readOnly: boolean;
  large: boolean;
  /** Nodes the first view fits (a large workflow opens on its start, not on all 500 nodes). */
  initialView: readonly string[] | null;
  wrapper: RefObject<HTMLDivElement | null>;
  onNodesChange: (changes: NodeChange<WorkflowFlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<WorkflowFlowEdge>[]) => void;
  onConnect: (connection: Connection) => void;
  onDelete: (params: { nodes: WorkflowFlowNode[]; edges: WorkflowFlowEdge[] }) => void;
  isValidConnection: IsValidConnection<WorkflowFlowEdge>;
  /** Why a connection is refused (null when it is fine). */
  explainConnection: (connection: ConnectionRequest) => string | null;
  onRefused: (reason: string) => void;
  onDropType: (type: string, position: { x: number; y: number }) => void;
  /** Fits every node, drawn or not (React Flow's own fit only counts nodes it has measured). */
  onFitAll: () => void;
  /** The nodes carry a test run's states (the canvas styles them). */
  withRun?: boolean;
  onNodeClick?: () => void;
}

/** Shows, while a connection is being drawn over a handle that refuses it, why. */
function ConnectionHint({ explain }: { explain: (connection: ConnectionRequest) => string | null }) {
  const connection = useConnection();
  if (!connection.inProgress || connection.isValid !== false || !connection.toHandle) return null;
  const request = connectionOf(connection);
  const reason = request ? explain(request) : null;
  if (!reason) return null;
  return (
    <Panel position="top-center" className="connection-hint" aria-live="polite">
      {reason}
    </Panel>
  );
}

/**
 * Whether the canvas is usable: the first fit is done and every node in view
 * has been drawn and measured (handles included). Nodes out of view are not
 * drawn at all in a large workflow, so "all nodes measured" would never come.
 */
export function viewReady(state: ReactFlowState): boolean {
  if (!state.width || !state.height) return false;
  // Nothing to draw (and so nothing to fit): an empty canvas is ready at once.
  if (state.nodeLookup.size === 0) return true;
  if (state.fitViewQueued) return false;
  const [tx, ty, zoom] = state.transform;
  const left = -tx / zoom;
  const top = -ty / zoom;
  const right = left + state.width / zoom;
  const bottom = top + state.height / zoom;
  let inView = 0;
  for (const node of state.nodeLookup.values()) {
    const { x, y } = node.internals.positionAbsolute;
    const width = node.measured.width ?? node.initialWidth ?? 0;
    const height = node.measured.height ?? node.initialHeight ?? 0;
    if (x + width < left || x > right || y + height < top || y > bottom) continue;
    if (node.measured.width === undefined || !node.internals.handleBounds) return false;
    inView++;
  }
  return inView > 0;
}

/** Marked in the browser's performance timeline when the canvas first becomes ready (the editor benchmark reads it). */
export const CANVAS_READY_MARK = "trellis:canvas-ready";

/** Tests wait on this attribute; the first readiness is also a performance mark. */
function ReadyMarker() {
  const ready = useStore(viewReady);
  useEffect(() => {
    performance.clearMarks(CANVAS_READY_MARK);
  }, []);
  useEffect(() => {
    if (ready && performance.getEntriesByName(CANVAS_READY_MARK).length === 0) performance.mark(CANVAS_READY_MARK);
  }, [ready]);
  return <span className="canvas-ready" data-testid="canvas-ready" data-ready={ready ? "true" : "false"} hidden />;
}

/** The React Flow canvas; everything it draws comes from the props (derived from the definition). */
function CanvasView(props: CanvasProps) {
  const { nodes, edges, readOnly, large, initialView, wrapper, explainConnection, onRefused, onDropType } = props;
  const flow = useReactFlow();
  // The minimap draws every node; for a large workflow it comes once the canvas is up.
  const [minimap, setMinimap] = useState(!large);
  useEffect(() => {
    if (minimap) return;
    const timer = setTimeout(() => setMinimap(true), 600);
    return () => clearTimeout(timer);
  }, [minimap]);
  const fitViewOptions = useMemo(
    () => (initialView ? { padding: 0.1, maxZoom: 1, minZoom: 0.5, nodes: initialView.map((id) => ({ id })) } : { padding: 0.2, maxZoom: 1 }),
    [initialView],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.toNode) return;
      const request = connectionOf(state);
      const reason = request ? explainConnection(request) : null;
      if (reason) onRefused(reason);
    },
    [explainConnection, onRefused],
  );

  const onDragOver = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      if (readOnly || !event.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    },
    [readOnly],
  );

  const onDrop = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      const type = event.dataTransfer.getData(NODE_TYPE_MIME);
      if (readOnly || !type) return;
      event.preventDefault();
      onDropType(type, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [flow, onDropType, readOnly],
  );

  return (
    <div className={props.withRun ? "canvas with-run" : "canvas"} ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<WorkflowFlowNode, WorkflowFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={props.onNodesChange}
        onEdgesChange={props.onEdgesChange}
        onConnect={props.onConnect}
        onNodeClick={props.onNodeClick}
        onConnectEnd={onConnectEnd}
        onDelete={props.onDelete}
        isValidConnection={props.isValidConnection}
        deleteKeyCode={readOnly ? null : deleteKeys}
        multiSelectionKeyCode={multiSelectKeys}
        nodesConnectable={!readOnly}
        nodesDraggable={!readOnly}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.05}
        maxZoom={2}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={large}
        proOptions={proOptions}
        attributionPosition="top-right"
        ariaLabelConfig={ariaLabels}
        connectionRadius={28}
        aria-label="Workflow canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c9ced8" />
        <Controls showInteractive={false} showFitView={false} position="bottom-left" className="canvas-controls">
          <ControlButton onClick={props.onFitAll} aria-label="Fit the workflow in view" title="Fit the workflow in view">
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" aria-hidden>
              <path d="M8 3H5a2 2 0 0 0-2 2v3M21 8V5a2 2 0 0 0-2-2h-3M3 16v3a2 2 0 0 0 2 2h3M16 21h3a2 2 0 0 0 2-2v-3" />
            </svg>
          </ControlButton>
        </Controls>
        {minimap ? (
          <MiniMap<WorkflowFlowNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} position="bottom-right" className="canvas-minimap" />
        ) : null}
        <ConnectionHint explain={explainConnection} />
        <ReadyMarker />
        {nodes.length === 0 ? (
          <Panel position="top-center" className="canvas-empty">
            <strong>An empty canvas</strong>
            <span>{readOnly ? "This version has no nodes." : "Drag a trigger from the palette, or select one and press Enter."}</span>
          </Panel>
        ) : null}
      </ReactFlow>
    </div>
  );
}

export const Canvas = memo(CanvasView);
