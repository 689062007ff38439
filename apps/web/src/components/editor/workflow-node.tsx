"use client";

import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { memo } from "react";
import { nodeLabel, type WorkflowFlowNode } from "./lib/flow-mapping";
import type { RunOverlay } from "./lib/test-run";
import { Icon, SpriteIcon } from "./icons";

const diffLabel = { added: "Added", removed: "Removed", changed: "Changed" } as const;

/** Below this zoom a node's text is unreadable anyway: it is drawn as a coloured card of the same size. */
const COMPACT_ZOOM = 0.3;
const zoomedOut = (state: ReactFlowState) => state.transform[2] < COMPACT_ZOOM;

/** A test run's state of the node, above its card (the words are there, not only the colour). */
function RunPill({ overlay }: { overlay: RunOverlay }) {
  return (
    <>
      <div className={`run-node-pill ${overlay.state}`} data-run-state={overlay.state}>
        <span className="run-node-dot" aria-hidden />
        <span>{overlay.label}</span>
        {overlay.elapsed ? <span className="run-node-time">{overlay.elapsed}</span> : null}
        {overlay.attempts > 1 ? <span className="run-node-attempts">×{overlay.attempts}</span> : null}
        {overlay.reused ? <span className="run-node-time">reused</span> : null}
      </div>
      {overlay.retryRole ? <div className={`run-node-retry ${overlay.retryRole}`}>{overlay.retryRole === "rerun" ? "Runs again" : "Output reused"}</div> : null}
    </>
  );
}

/** A workflow node on the canvas: memoised, it re-renders only when its derived node object changes. */
function WorkflowNodeView({ data, selected }: NodeProps<WorkflowFlowNode>) {
  const { node, descriptor, inputs, outputs, labelledOutputs, summary, problems, diff, overlay } = data;
  const errors = problems?.filter((p) => p.severity === "error") ?? [];
  const warnings = problems?.filter((p) => p.severity === "warning") ?? [];
  const label = nodeLabel(node, descriptor);
  const compact = useStore(zoomedOut);
  const classes = [
    "wf-node",
    `cat-${descriptor?.category ?? "unknown"}`,
    selected ? "selected" : "",
    errors.length > 0 ? "has-error" : warnings.length > 0 ? "has-warning" : "",
    diff ? `diff-${diff}` : "",
    descriptor ? "" : "unknown-type",
    compact ? "compact" : "",
  ]
    .filter(Boolean)
    .join(" ");
  if (compact) {
    // Same geometry and handles (edges stay put), none of the text, icons or tooltips.
    return (
      <div className={classes} data-node-type={node.type}>
        <div className="wf-node-head">
          {inputs.map((handle) => (
            <Handle key={handle.id} type="target" id={handle.id} position={Position.Left} className="wf-handle wf-handle-in" />
          ))}
          <span className="wf-node-icon" />
          <span className="wf-node-bar" />
          {!labelledOutputs && outputs[0] ? <Handle type="source" id={outputs[0].id} position={Position.Right} className="wf-handle wf-handle-out" /> : null}
        </div>
        {summary ? <div className="wf-node-summary" /> : null}
        {labelledOutputs ? (
          <div className="wf-node-outputs">
            {outputs.map((handle) => (
              <div key={handle.id} className="wf-node-output">
                <Handle type="source" id={handle.id} position={Position.Right} className="wf-handle wf-handle-out" />
              </div>
            ))}
          </div>
        ) : null}
      </div>
    );
  }
  return (
    <div className={classes} data-node-type={node.type}>
      <div className="wf-node-head">
        {inputs.map((handle) => (
          <Handle key={handle.id} type="target" id={handle.id} position={Position.Left} className="wf-handle wf-handle-in" title={`${handle.label} (input)`} />
        ))}
        <span className="wf-node-icon" aria-hidden>
          <SpriteIcon name={descriptor?.icon ?? "circle-dashed"} />
        </span>
        <span className="wf-node-titles">
          <span className="wf-node-name">{label}</span>
          <span className="wf-node-type">{descriptor?.title ?? `Unknown type ${node.type}`}</span>
        </span>
        {diff ? <span className={`wf-node-diff ${diff}`}>{diffLabel[diff]}</span> : null}
        {errors.length + warnings.length > 0 ? (
          <span className={`wf-node-badge ${errors.length > 0 ? "error" : "warning"}`} aria-hidden>
            <Icon name={errors.length > 0 ? "alert" : "warning"} size={12} />
            {errors.length + warnings.length}
          </span>
        ) : null}
        {!labelledOutputs && outputs[0] ? (
          <Handle type="source" id={outputs[0].id} position={Position.Right} className="wf-handle wf-handle-out" title={`${outputs[0].label} (output)`} />
        ) : null}
      </div>
      {summary ? <div className="wf-node-summary">{summary}</div> : null}
      {labelledOutputs ? (
        <div className="wf-node-outputs">
          {outputs.map((handle) => (
            <div key={handle.id} className={`wf-node-output${handle.id === "error" ? " error" : ""}`}>
              <span>{handle.label}</span>
              <Handle type="source" id={handle.id} position={Position.Right} className="wf-handle wf-handle-out" title={`${handle.label} (output)`} />
            </div>
          ))}
        </div>
      ) : null}
      {overlay ? <RunPill overlay={overlay} /> : null}
      {problems && problems.length > 0 ? (
        <div className="wf-node-tooltip" role="tooltip">
          <ul>
            {problems.map((problem, index) => (
              <li key={index} className={problem.severity}>
                {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export const WorkflowNodeComponent = memo(WorkflowNodeView);
