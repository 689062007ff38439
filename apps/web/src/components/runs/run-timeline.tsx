"use client";

import { nodeLabel } from "../editor/lib/flow-mapping";
import type { Descriptors, WorkflowDefinition } from "../editor/lib/types";
import { nodeStateLabel, parseStep, type JournalStep, type NodeRun, type NodeRunState } from "./lib/node-states";
import { formatDuration } from "./lib/run-format";

interface TimelineRow {
  key: string;
  nodeId: string;
  label: string;
  detail: string;
  state: NodeRunState;
  start: number;
  durationMs: number | null;
  reused: boolean;
}

interface RunTimelineProps {
  definition: WorkflowDefinition | null;
  descriptors: Descriptors;
  steps: readonly JournalStep[];
  nodeRuns: ReadonlyMap<string, NodeRun>;
  runStartedAt: Date | null;
  now: number;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}

/**
 * Every journaled step on one time axis (the run's start on the left), plus
 * nodes running right now that have nothing journaled yet. Reused steps come
 * from the retried run, before this run started: they sit at the left edge.
 */
export function RunTimeline({ definition, descriptors, steps, nodeRuns, runStartedAt, now, selected, onSelect }: RunTimelineProps) {
  const labelOf = (id: string) => {
    const node = definition?.nodes.find((n) => n.id === id);
    return node ? nodeLabel(node, descriptors.get(node.type)) : id;
  };
  const rows: TimelineRow[] = steps.map((step) => {
    const parsed = parseStep(step.stepId);
    const nodeId = step.nodeId ?? parsed.base;
    const reused = nodeRuns.get(nodeId)?.reused ?? false;
    const waiting = step.status === "waiting" || step.status === "running";
    return {
      key: step.stepId,
      nodeId,
      label: labelOf(nodeId),
      detail: parsed.kind === "run" ? (step.attempt > 1 ? `attempt ${step.attempt}` : "") : parsed.kind,
      state: step.status,
      start: step.startedAt.getTime(),
      durationMs: step.durationMs ?? (waiting ? now - step.startedAt.getTime() : null),
      reused,
    };
  });
  const journaled = new Set(steps.map((step) => step.nodeId));
  for (const [nodeId, run] of nodeRuns) {
    if (run.state === "running" && run.startedAt && !journaled.has(nodeId)) {
      rows.push({ key: `${nodeId}:live`, nodeId, label: labelOf(nodeId), detail: run.retrying ? "retrying" : "", state: "running", start: run.startedAt.getTime(), durationMs: now - run.startedAt.getTime(), reused: false });
    }
  }
  rows.sort((a, b) => a.start - b.start);
  if (rows.length === 0) return <p className="muted small">No step has run yet.</p>;

  const origin = runStartedAt?.getTime() ?? Math.min(...rows.map((r) => r.start));
  const end = Math.max(origin + 1, ...rows.map((r) => Math.max(r.start, origin) + (r.durationMs ?? 0)));
  const span = end - origin;

  return (
    <ol className="timeline" aria-label="Steps in the order they started">
      {rows.map((row) => {
        const left = Math.min(100, Math.max(0, ((row.start - origin) / span) * 100));
        const width = Math.max(0.6, Math.min(100 - left, ((row.durationMs ?? 0) / span) * 100));
        return (
          <li key={row.key} className={row.nodeId === selected ? "selected" : undefined}>
            <button type="button" className="timeline-row" onClick={() => onSelect(row.nodeId)} aria-label={`${row.label}${row.detail ? ` (${row.detail})` : ""}: ${nodeStateLabel[row.state]}${row.durationMs !== null ? `, ${formatDuration(row.durationMs)}` : ""}`}>
              <span className="timeline-name">
                <span className="timeline-label">{row.label}</span>
                {row.detail ? <span className="muted small"> {row.detail}</span> : null}
                {row.reused ? <span className="muted small"> reused</span> : null}
              </span>
              <span className="timeline-track" aria-hidden>
                <span className={`timeline-bar ${row.state}${row.reused ? " reused" : ""}`} style={{ left: `${left}%`, width: `${width}%` }} />
              </span>
              <span className="timeline-duration mono small">{row.durationMs === null ? "—" : formatDuration(row.durationMs)}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
