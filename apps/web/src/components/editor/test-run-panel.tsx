"use client";

import Link from "next/link";
import { JsonViewer } from "../ui/json-view";
import { NodeDetails } from "../runs/node-details";
import { nodeStateLabel, type NodeRun } from "../runs/lib/node-states";
import { formatDuration, runDurationMs, shortId } from "../runs/lib/run-format";
import { RunStatusBadge } from "../runs/run-status";
import { workspacePaths } from "../workspace/links";
import "../runs/runs.css";
import { Icon } from "./icons";
import { nodeLabel } from "./lib/flow-mapping";
import type { Descriptors } from "./lib/types";
import type { FollowedRun, useTestRun } from "./use-test-run";
import "./test-run.css";

type TestRun = ReturnType<typeof useTestRun>;

const NOT_STARTED: NodeRun = { state: "queued", attempts: 0, startedAt: null, finishedAt: null, durationMs: null, reused: false, retrying: false };

interface RunBarProps {
  followed: FollowedRun;
  testRun: TestRun;
  workspaceSlug: string;
  onClear: () => void;
  onShowDetails: () => void;
}

/** Above the canvas while it shows a test run: the run's status, how long it took, where to inspect it, and a way out. */
export function RunBar({ followed, testRun, workspaceSlug, onClear, onShowDetails }: RunBarProps) {
  const { run, status, finished, live, now, definition } = testRun;
  const duration = run ? runDurationMs(run, now) : null;
  const failedAt = run?.error?.nodeId ? definition?.nodes.find((n) => n.id === run.error?.nodeId) : undefined;
  return (
    <div className={`editor-banner run-bar ${status}`} role="region" aria-label="Test run">
      <Icon name="play" size={15} />
      <strong>Test run</strong>
      <RunStatusBadge status={status} />
      {!finished ? (
        <span className={`live-dot ${live === "pending" ? "on" : live === "error" ? "off" : "connecting"}`}>
          {live === "pending" ? "Live" : live === "error" ? "Live updates paused" : "Connecting…"}
        </span>
      ) : null}
      <span className="muted small">
        v{followed.versionNumber}
        {duration !== null ? ` · ${formatDuration(duration)}` : ""}
        {run && run.attempt > 1 ? ` · attempt ${run.attempt}` : ""}
      </span>
      {run?.error ? (
        <button type="button" className="link-button run-bar-error" onClick={onShowDetails}>
          Failed{failedAt ? ` at “${nodeLabel(failedAt, undefined)}”` : ""}: {run.error.message}
        </button>
      ) : null}
      <span className="spacer" />
      <Link className="button small" href={workspacePaths.run(workspaceSlug, followed.runId)} title="Open this run in the run inspector">
        Open run {shortId(followed.runId)}
      </Link>
      <button type="button" className="button small" onClick={onClear} aria-label="Clear the test run from the canvas">
        Clear
      </button>
    </div>
  );
}

interface TestRunPanelProps {
  testRun: TestRun;
  descriptors: Descriptors;
  selected: string | null;
  canEdit: boolean;
  onSelect: (nodeId: string | null) => void;
  onRetryFromHere: (nodeId: string) => void;
}

/** The side panel's "Test run" tab: the selected node's input, output, error and attempts, or the run's nodes to pick from. */
export function TestRunPanel({ testRun, descriptors, selected, canEdit, onSelect, onRetryFromHere }: TestRunPanelProps) {
  const { run, definition, nodeRuns, events, now, finished, error } = testRun;
  if (error) {
    return (
      <div className="test-run-message">
        <div className="alert error" role="alert">
          Could not load the test run: {error.message}
        </div>
      </div>
    );
  }
  if (!definition) return <p className="muted test-run-message">Loading the test run…</p>;
  const node = selected ? definition.nodes.find((n) => n.id === selected) : undefined;
  if (selected && !node) {
    return (
      <div className="node-details-empty">
        <h2>Not in this run</h2>
        <p className="muted">This node is not in the version the test run ran. Publish the draft and run it again to test it.</p>
        <button type="button" className="button small" onClick={() => onSelect(null)}>
          Show the run’s nodes
        </button>
      </div>
    );
  }
  if (node) {
    const nodeRun = nodeRuns.get(node.id) ?? NOT_STARTED;
    return (
      <NodeDetails
        key={node.id}
        node={node}
        definition={definition}
        descriptors={descriptors}
        nodeRun={nodeRun}
        steps={run?.steps ?? []}
        events={events}
        runInput={run?.input ?? null}
        now={now}
        onClose={() => onSelect(null)}
        onRetryFromHere={canEdit && finished && nodeRun.state === "failed" ? () => onRetryFromHere(node.id) : undefined}
      />
    );
  }
  return (
    <div className="test-run-overview">
      <p className="muted small">Select a node on the canvas to see its input, output, error and attempts.</p>
      <ul className="test-run-nodes" aria-label="Nodes in the test run">
        {definition.nodes.map((n) => {
          const state = nodeRuns.get(n.id) ?? NOT_STARTED;
          return (
            <li key={n.id}>
              <button type="button" className="test-run-node" onClick={() => onSelect(n.id)}>
                <span className={`node-state ${state.state}`} data-state={state.state}>
                  {state.retrying ? "Retrying" : nodeStateLabel[state.state]}
                </span>
                <span className="test-run-node-name">{nodeLabel(n, descriptors.get(n.type))}</span>
                <span className="muted mono small">{state.durationMs !== null ? formatDuration(state.durationMs) : ""}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {run ? (
        <>
          <section className="node-section" aria-label="Run input">
            <h3>Run input</h3>
            <JsonViewer value={run.input} label="Run input" />
          </section>
          {run.output !== null ? (
            <section className="node-section" aria-label="Run output">
              <h3>Run output</h3>
              <JsonViewer value={run.output} label="Run output" />
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
