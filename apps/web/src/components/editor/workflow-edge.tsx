"use client";

import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { WorkflowFlowEdge } from "./lib/flow-mapping";

/** An edge; red with a marker when the compiler has a problem with it, coloured in a version diff. */
function WorkflowEdgeView(props: EdgeProps<WorkflowFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const problems = data?.problems;
  const classes = [
    "wf-edge",
    selected ? "selected" : "",
    problems?.some((p) => p.severity === "error") ? "has-error" : problems?.length ? "has-warning" : "",
    data?.diff ? `diff-${data.diff}` : "",
    data?.error ? "error-branch" : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <>
      <BaseEdge id={id} path={path} className={classes} markerEnd={markerEnd} interactionWidth={18} />
      {problems && problems.length > 0 ? (
        <EdgeLabelRenderer>
          <div
            className={`wf-edge-problem nodrag nopan ${problems.some((p) => p.severity === "error") ? "error" : "warning"}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={problems.map((p) => p.message).join("\n")}
            role="img"
            aria-label={`Connection problem: ${problems.map((p) => p.message).join("; ")}`}
          >
            !
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const WorkflowEdgeComponent = memo(WorkflowEdgeView);
