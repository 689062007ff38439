"use client";

import { formatDateTime } from "../format";
import { nodeLabel } from "../editor/lib/flow-mapping";
import type { Descriptors, WorkflowDefinition, WorkflowNode } from "../editor/lib/types";
import { JsonViewer } from "../ui/json-view";
import { nodeOutput, nodeStateLabel, parseStep, stepPayload, type JournalStep, type NodeRun, type RunEventLike } from "./lib/node-states";
import { formatDuration } from "./lib/run-format";

interface NodeDetailsProps {
  node: WorkflowNode;
  definition: WorkflowDefinition;
  descriptors: Descriptors;
  nodeRun: NodeRun;
  steps: readonly JournalStep[];
  events: readonly RunEventLike[];
  runInput: unknown;
  now: number;
  /** Set when "Retry from here" applies (a failed node of a finished run, and the caller may edit). */
  onRetryFromHere?: () => void;
  onClose: () => void;
}

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** What reached a node: the run input for a trigger, otherwise the outputs of the nodes with an edge into it. */
function nodeInput(node: WorkflowNode, definition: WorkflowDefinition, descriptors: Descriptors, steps: readonly JournalStep[], runInput: unknown): { found: boolean; value: unknown } {
  if (descriptors.get(node.type)?.category === "trigger") return { found: true, value: runInput };
  const sources = [...new Set(definition.edges.filter((edge) => edge.target === node.id).map((edge) => edge.source))];
  const arrived = sources.map((source) => ({ source, ...nodeOutput(source, steps) })).filter((entry) => entry.found);
  if (arrived.length === 0) return { found: false, value: null };
  if (arrived.length === 1) return { found: true, value: arrived[0]?.value };
  const byName: Record<string, unknown> = {};
  for (const entry of arrived) {
    const source = definition.nodes.find((n) => n.id === entry.source);
    byName[source ? nodeLabel(source, descriptors.get(source.type)) : entry.source] = entry.value;
  }
  return { found: true, value: byName };
}

function errorMessage(error: unknown): string | null {
  const message = record(error).message;
  return typeof message === "string" ? message : null;
}

/** The side panel for one node of a run: its state, output, input, error and every attempt. */
export function NodeDetails({ node, definition, descriptors, nodeRun, steps, events, runInput, now, onRetryFromHere, onClose }: NodeDetailsProps) {
  const descriptor = descriptors.get(node.type);
  const label = nodeLabel(node, descriptor);
  const own = steps.filter((step) => step.nodeId === node.id);
  const attempts = own.filter((step) => parseStep(step.stepId).kind === "run");
  const output = nodeOutput(node.id, steps);
  const input = nodeInput(node, definition, descriptors, steps, runInput);
  const lastFailure = [...attempts].reverse().find((step) => step.status === "failed");
  const failedEvent = [...events].reverse().find((event) => event.nodeId === node.id && event.type === "node.failed");
  const error = lastFailure ? stepPayload(lastFailure).error : failedEvent ? record(failedEvent.data).error : null;
  // Durable nodes (delay, wait, approval, invoke) finish with what ended their wait: the last settled durable part.
  const durable = [...own].reverse().find((step) => parseStep(step.stepId).kind !== "run" && parseStep(step.stepId).kind !== "backoff" && step.status === "succeeded");
  const resumed = durable ? { kind: parseStep(durable.stepId).kind, value: stepPayload(durable).output } : null;
  const logs = events.filter((event) => event.nodeId === node.id && event.type === "node.log");
  const running = nodeRun.state === "running" || nodeRun.state === "waiting";
  const duration = nodeRun.durationMs ?? (running && nodeRun.startedAt ? now - nodeRun.startedAt.getTime() : null);

  return (
    <div className="node-details" aria-labelledby="node-details-title">
      <div className="node-details-head">
        <div>
          <h2 id="node-details-title">{label}</h2>
          <p className="muted small">
            {descriptor?.title ?? node.type} · <code>{node.id}</code>
          </p>
        </div>
        <button type="button" className="button small icon-button" aria-label="Close node details" onClick={onClose}>
          ×
        </button>
      </div>
      <dl className="node-facts">
        <div>
          <dt>State</dt>
          <dd>
            <span className={`node-state ${nodeRun.state}`} data-state={nodeRun.state}>
              {nodeRun.retrying ? "Retrying" : nodeStateLabel[nodeRun.state]}
            </span>
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="mono">{duration === null ? "—" : formatDuration(duration)}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{nodeRun.attempts || "—"}</dd>
        </div>
      </dl>
      {nodeRun.reused ? <p className="alert info small">Reused: this run started after this node and took its output from the run it retries.</p> : null}

      {error ? (
        <section className="node-section" aria-label="Error">
          <h3>Error</h3>
          <p className="node-error">{errorMessage(error) ?? "The node failed."}</p>
          <JsonViewer value={error} label={`Error of ${label}`} />
        </section>
      ) : null}
      {onRetryFromHere ? (
        <button type="button" className="button primary small" onClick={onRetryFromHere}>
          Retry from here…
        </button>
      ) : null}

      <section className="node-section" aria-label="Output">
        <h3>Output</h3>
        {output.found ? <JsonViewer value={output.value} label={`Output of ${label}`} /> : <p className="muted small">{running ? "Not finished yet." : "No output."}</p>}
      </section>
      {resumed ? (
        <section className="node-section" aria-label="Resumed with">
          <h3>Resumed with</h3>
          <p className="muted small">What ended the node’s {resumed.kind === "invoke" ? "child run" : resumed.kind === "sleep" ? "sleep" : "wait"}.</p>
          <JsonViewer value={resumed.value} label={`What resumed ${label}`} />
        </section>
      ) : null}
      <section className="node-section" aria-label="Input">
        <h3>Input</h3>
        {input.found ? (
          <JsonViewer value={input.value} label={`Input of ${label}`} />
        ) : (
          <p className="muted small">{nodeRun.state === "queued" ? "Not reached yet." : "Nothing reached this node."}</p>
        )}
      </section>

      <section className="node-section" aria-label="Attempts">
        <h3>Attempts</h3>
        {own.length === 0 ? (
          <p className="muted small">{running ? "The first attempt is running." : "No attempt was journaled."}</p>
        ) : (
          <ol className="attempt-list">
            {own.map((step) => {
              const payload = stepPayload(step);
              const kind = parseStep(step.stepId).kind;
              return (
                <li key={step.stepId}>
                  <details>
                    <summary>
                      <span className={`node-state ${step.status}`}>{nodeStateLabel[step.status]}</span>
                      <span>{kind === "run" ? `Attempt ${step.attempt}` : `${kind[0]?.toUpperCase()}${kind.slice(1)} (attempt ${step.attempt})`}</span>
                      <span className="muted mono small">{step.durationMs === null ? "…" : formatDuration(step.durationMs)}</span>
                    </summary>
                    <p className="muted small">
                      Step <code>{step.stepId}</code>, started {formatDateTime(step.startedAt)}
                    </p>
                    {payload.error ? <JsonViewer value={payload.error} label={`Error of ${step.stepId}`} /> : <JsonViewer value={payload.output} label={`Output of ${step.stepId}`} />}
                  </details>
                </li>
              );
            })}
          </ol>
        )}
      </section>

      {logs.length > 0 ? (
        <section className="node-section" aria-label="Logs">
          <h3>Logs</h3>
          <ul className="node-logs">
            {logs.map((event) => {
              const data = record(event.data);
              return (
                <li key={event.id} className={typeof data.level === "string" ? data.level : undefined}>
                  <time className="mono small">{event.createdAt.toISOString().slice(11, 23)}</time> {typeof data.message === "string" ? data.message : JSON.stringify(data)}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
