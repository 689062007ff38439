"use client";

import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStoreApi,
  type Node,
  type NodeChange,
  type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useCallback, useEffect, useMemo, useState } from "react";
import { NodeIconSprite } from "../editor/icons";
import { runLayout } from "../editor/layout-engine";
import { createEdgeDeriver, createNodeDeriver, nodeLabel, WORKFLOW_EDGE, type WorkflowFlowEdge, type WorkflowFlowNode, type WorkflowNodeData } from "../editor/lib/flow-mapping";
import { hasStackedNodes, positionsFromElk, toElkGraph } from "../editor/lib/layout";
import type { Descriptors, WorkflowDefinition } from "../editor/lib/types";
import { WorkflowEdgeComponent } from "../editor/workflow-edge";
import { WorkflowNodeComponent } from "../editor/workflow-node";
import { nodeStateLabel, type NodeRun } from "./lib/node-states";
import { formatDuration } from "./lib/run-format";

const RUN_NODE = "run";

interface RunNodeData extends WorkflowNodeData {
  run: NodeRun;
  /** Shown on the pill: the node's duration, or how long it has been running. */
  elapsed: string | null;
  /** Set while a retry preview is open: whether this node would run again or be reused. */
  retryRole: "rerun" | "reused" | null;
}
type RunFlowNode = Node<RunNodeData, typeof RUN_NODE>;

/** The editor's node card, with the node's state in the run above it. */
function RunNodeView(props: NodeProps<RunFlowNode>) {
  const { run, elapsed, retryRole } = props.data;
  return (
    <>
      <WorkflowNodeComponent {...(props as unknown as NodeProps<WorkflowFlowNode>)} />
      <div className={`run-node-pill ${run.state}`} aria-hidden>
        <span className="run-node-dot" />
        <span>{run.retrying ? "Retrying" : nodeStateLabel[run.state]}</span>
        {elapsed ? <span className="run-node-time">{elapsed}</span> : null}
        {run.attempts > 1 ? <span className="run-node-attempts">×{run.attempts}</span> : null}
        {run.reused ? <span className="run-node-time">reused</span> : null}
      </div>
      {retryRole ? <div className={`run-node-retry ${retryRole}`}>{retryRole === "rerun" ? "Runs again" : "Output reused"}</div> : null}
    </>
  );
}
const nodeTypes = { [RUN_NODE]: memo(RunNodeView) };
const edgeTypes = { [WORKFLOW_EDGE]: WorkflowEdgeComponent };
const proOptions = { hideAttribution: false };
const fitViewOptions = { padding: 0.2, maxZoom: 1 };
const minimapSize = { width: 160, height: 100 };
const ariaLabels = {
  "node.a11yDescription.default": "Press Enter or Space to show what this node did in the run.",
  "node.a11yDescription.keyboardDisabled": "Press Enter or Space to show what this node did in the run.",
  "controls.ariaLabel": "Canvas zoom controls",
  "controls.zoomIn.ariaLabel": "Zoom in",
  "controls.zoomOut.ariaLabel": "Zoom out",
  "controls.fitView.ariaLabel": "Fit the workflow in view",
  "minimap.ariaLabel": "Minimap",
};

const stateColour: Record<NodeRun["state"], string> = {
  queued: "#9aa3b5",
  running: "#3b5bdb",
  waiting: "#e8a200",
  succeeded: "#2b8a3e",
  failed: "#e03131",
  skipped: "#c9ced8",
  cancelled: "#868e96",
  "not-run": "#dee2e6",
};
const minimapColor = (node: RunFlowNode) => stateColour[node.data.run.state];

export interface RunGraphProps {
  definition: WorkflowDefinition;
  descriptors: Descriptors;
  nodeRuns: ReadonlyMap<string, NodeRun>;
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
  /** For the elapsed time of running nodes. */
  now: number;
  retryPreview: { rerun: ReadonlySet<string>; reused: ReadonlySet<string> } | null;
}

/** The workflow as it ran: the pinned version's graph, read-only, each node coloured by its state in the run. */
export function RunGraph(props: RunGraphProps) {
  return (
    <ReactFlowProvider>
      <RunGraphView {...props} />
    </ReactFlowProvider>
  );
}

function elapsedOf(run: NodeRun, now: number): string | null {
  if (run.durationMs !== null && run.state !== "running" && run.state !== "waiting") return formatDuration(run.durationMs);
  if ((run.state === "running" || run.state === "waiting") && run.startedAt) return formatDuration(now - run.startedAt.getTime());
  return null;
}

function RunGraphView({ definition, descriptors, nodeRuns, selected, onSelect, now, retryPreview }: RunGraphProps) {
  const flow = useReactFlow();
  const store = useStoreApi();
  const [deriveNodes] = useState(createNodeDeriver);
  const [deriveEdges] = useState(createEdgeDeriver);
  // Definitions written without positions (by hand, by the API) are laid out once, like the editor does.
  const [laidOut, setLaidOut] = useState<WorkflowDefinition | null>(null);
  const shown = laidOut ?? definition;
  useEffect(() => {
    if (!hasStackedNodes(definition)) return;
    let cancelled = false;
    void runLayout(toElkGraph(definition, descriptors, new Map())).then((graph) => {
      if (cancelled) return;
      const positions = positionsFromElk(graph);
      setLaidOut({ ...definition, nodes: definition.nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? node.position })) });
      requestAnimationFrame(() => void flow.fitView(fitViewOptions));
    });
    return () => {
      cancelled = true;
    };
  }, [definition, descriptors, flow]);

  const measuredOf = useCallback(
    (id: string) => {
      const measured = store.getState().nodeLookup.get(id)?.measured;
      return measured?.width !== undefined && measured.height !== undefined ? { width: measured.width, height: measured.height } : undefined;
    },
    [store],
  );
  const selectedSet = useMemo(() => new Set(selected ? [selected] : []), [selected]);
  const baseNodes = useMemo(
    () =>
      deriveNodes(shown, {
        descriptors,
        selected: selectedSet,
        measuredOf,
        dragging: null,
        problems: new Map(),
        schedules: new Map(),
        diff: null,
        readOnly: true,
      }),
    [deriveNodes, shown, descriptors, selectedSet, measuredOf],
  );
  const edges = useMemo<WorkflowFlowEdge[]>(
    () => deriveEdges(shown, { selected: new Set(), problems: new Map(), diff: null, readOnly: true }, descriptors),
    [deriveEdges, shown, descriptors],
  );
  const nodes = useMemo<RunFlowNode[]>(
    () =>
      baseNodes.map((base) => {
        const run = nodeRuns.get(base.id) ?? { state: "queued", attempts: 0, startedAt: null, finishedAt: null, durationMs: null, reused: false, retrying: false };
        const retryRole = retryPreview ? (retryPreview.rerun.has(base.id) ? "rerun" : retryPreview.reused.has(base.id) ? "reused" : null) : null;
        const label = nodeLabel(base.data.node, base.data.descriptor);
        return {
          ...base,
          type: RUN_NODE,
          className: `run-state-${run.state}${retryRole ? ` retry-${retryRole}` : ""}`,
          ariaLabel: `${label}, ${run.retrying ? "retrying" : nodeStateLabel[run.state].toLowerCase()}`,
          selectable: true,
          focusable: true,
          data: { ...base.data, run, elapsed: elapsedOf(run, now), retryRole },
        };
      }),
    [baseNodes, nodeRuns, now, retryPreview],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<RunFlowNode>[]) => {
      for (const change of changes) if (change.type === "select" && change.selected) onSelect(change.id);
    },
    [onSelect],
  );
  const iconNames = useMemo(() => [...descriptors.values()].map((d) => d.icon), [descriptors]);

  return (
    <div className="canvas run-canvas">
      <NodeIconSprite names={iconNames} />
      <ReactFlow<RunFlowNode, WorkflowFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={(_event, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        elementsSelectable
        deleteKeyCode={null}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.05}
        maxZoom={2}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={definition.nodes.length > 150}
        proOptions={proOptions}
        attributionPosition="top-right"
        ariaLabelConfig={ariaLabels}
        aria-label="The workflow as it ran"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c9ced8" />
        <Controls showInteractive={false} position="bottom-left" className="canvas-controls" />
        <MiniMap<RunFlowNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} position="bottom-right" className="canvas-minimap" style={minimapSize} />
      </ReactFlow>
    </div>
  );
}
