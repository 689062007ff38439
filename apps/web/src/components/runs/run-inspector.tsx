"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { nodeLabel } from "../editor/lib/flow-mapping";
import type { NodeDescriptor, WorkflowDefinition } from "../editor/lib/types";
import { formatDateTime } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { JsonViewer } from "../ui/json-view";
import { workspacePaths } from "../workspace/links";
import { useWorkspace } from "../workspace/workspace-context";
import { deriveNodeRuns, nodeStateLabel, type NodeRunState, type RunEventLike } from "./lib/node-states";
import { formatDuration, isFinished, runDurationMs, shortId, triggerLabel, type RunDetail } from "./lib/run-format";
import { NodeDetails } from "./node-details";
import { RetryDialog, type RetryPreview } from "./retry-dialog";
import { RunApprovals } from "./run-approvals";
import { RunGraph } from "./run-graph";
import { RunStatusBadge, useNow } from "./run-status";
import { RunTimeline } from "./run-timeline";
import "./runs.css";

interface RunInspectorProps {
  initialRun: RunDetail;
  /** The version the run is pinned to; null when it can no longer be read (the workflow was deleted). */
  version: { number: number; definition: WorkflowDefinition } | null;
  nodeTypes: NodeDescriptor[];
  canEdit: boolean;
}

const PAUSABLE = new Set(["queued", "running", "sleeping", "waiting"]);
const FINAL_EVENTS = new Set(["run.succeeded", "run.failed", "run.cancelled"]);

/** A timeline entry and when this page received it (to know whether the run's record is older). */
type LiveEvent = RunEventLike & { receivedAt: number };
const LEGEND: NodeRunState[] = ["queued", "running", "waiting", "succeeded", "failed", "skipped", "cancelled", "not-run"];

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** One run: the graph as it ran with live node states, the selected node's data, the step timeline, approvals and controls. */
export function RunInspector({ initialRun, version, nodeTypes, canEdit }: RunInspectorProps) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const runKey = { workspaceId: workspace.id, runId: initialRun.id };
  const detail = useQuery(trpc.run.get.queryOptions(runKey, { initialData: initialRun }));
  const run = detail.data ?? initialRun;
  const definition = version?.definition ?? null;
  const descriptors = useMemo(() => new Map(nodeTypes.map((type) => [type.type, type])), [nodeTypes]);

  // The timeline streams over SSE from its first entry (so a finished run's node states come from it too) and
  // ends with the run; the run's record (journal, status, output) is refetched shortly after new entries.
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const onEvent = (event: RunEventLike) =>
    setEvents((current) => (current.some((e) => e.id === event.id) ? current : [...current, { ...event, receivedAt: Date.now() }]));
  const last = events.at(-1);
  const { dataUpdatedAt } = detail;
  const status = detail.data?.status ?? initialRun.status;
  useEffect(() => {
    if (!last) return;
    // Refetch when an entry arrived after the record was fetched (or the run ended and the record does not say so yet),
    // at most about twice a second while entries stream in.
    const stale = last.receivedAt > dataUpdatedAt - 50 || (FINAL_EVENTS.has(last.type) && !isFinished(status));
    if (!stale) return;
    const timer = setTimeout(
      () => void queryClient.invalidateQueries({ queryKey: trpc.run.get.queryKey({ workspaceId: workspace.id, runId: initialRun.id }) }),
      Math.max(150, dataUpdatedAt + 500 - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [last, dataUpdatedAt, status, queryClient, trpc, workspace.id, initialRun.id]);
  const stream = useSubscription(trpc.run.events.subscriptionOptions(runKey, { onData: (tracked) => onEvent(tracked.data) }));

  const finished = isFinished(run.status);
  const now = useNow(!finished);
  const nodeIds = useMemo(() => definition?.nodes.map((n) => n.id) ?? [], [definition]);
  const nodeRuns = useMemo(() => deriveNodeRuns(nodeIds, run, events, run.steps), [nodeIds, run, events]);

  const [selected, setSelected] = useState<string | null>(() => {
    const failedAt = initialRun.error?.nodeId;
    return failedAt && definition?.nodes.some((n) => n.id === failedAt) ? failedAt : null;
  });
  const selectedNode = definition?.nodes.find((n) => n.id === selected) ?? null;
  const [retryNode, setRetryNode] = useState<string | null>(null);
  const [retryVersion, setRetryVersion] = useState<"original" | "latest">("original");
  const [retryPreview, setRetryPreview] = useState<RetryPreview | null>(null);
  const closeRetry = () => {
    setRetryNode(null);
    setRetryPreview(null);
  };

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.run.get.queryKey(runKey) });
  const control = useMutation({
    mutationFn: (action: "pause" | "resume") => (action === "pause" ? client.run.pause.mutate(runKey) : client.run.resume.mutate(runKey)),
    onSettled: refresh,
  });
  const retryWhole = useMutation(trpc.run.retry.mutationOptions({ onSuccess: (next) => router.push(workspacePaths.run(workspace.slug, next.id)) }));

  const duration = runDurationMs(run, now);
  const pausing = run.pauseRequestedAt !== null && run.status === "running";
  const canPause = PAUSABLE.has(run.status) && run.pauseRequestedAt === null;
  const canResume = run.status === "paused" || pausing;
  const counts = new Map<NodeRunState, number>();
  for (const state of nodeRuns.values()) counts.set(state.state, (counts.get(state.state) ?? 0) + 1);
  const actionError = control.error ?? retryWhole.error;
  const failedNode = run.error?.nodeId ? definition?.nodes.find((n) => n.id === run.error?.nodeId) : undefined;

  return (
    <div className="run-inspector">
      <header className="run-header card">
        <div className="run-header-top">
          <div className="run-title">
            <p className="eyebrow">
              <Link href={`/w/${workspace.slug}/runs`}>Runs</Link> / <span className="mono">{shortId(run.id)}</span>
            </p>
            <h1>
              <Link href={workspacePaths.workflow(workspace.slug, run.workflowId)} title="Open the workflow in the editor">
                {run.workflowName}
              </Link>
            </h1>
          </div>
          <RunStatusBadge status={run.status} pausing={pausing} />
          {!finished ? (
            <span className={`live-dot ${stream.status === "pending" ? "on" : stream.status === "error" ? "off" : "connecting"}`}>
              {stream.status === "pending" ? "Live" : stream.status === "error" ? "Live updates paused" : "Connecting…"}
            </span>
          ) : null}
          <span className="spacer" />
          {canEdit ? (
            <div className="row wrap run-actions">
              {canPause ? (
                <button type="button" className="button small" disabled={control.isPending} onClick={() => control.mutate("pause")}>
                  Pause
                </button>
              ) : null}
              {canResume ? (
                <button type="button" className="button small" disabled={control.isPending} onClick={() => control.mutate("resume")}>
                  Resume
                </button>
              ) : null}
              {!finished ? (
                <ConfirmButton
                  title="Cancel this run?"
                  description={<p>A running step finishes; nothing after it runs. You can retry the run later.</p>}
                  confirmLabel="Cancel run"
                  onConfirm={async () => {
                    await client.run.cancel.mutate(runKey);
                    await refresh();
                  }}
                >
                  Cancel run
                </ConfirmButton>
              ) : null}
              {finished ? (
                <button type="button" className="button small" disabled={retryWhole.isPending} onClick={() => retryWhole.mutate(runKey)}>
                  {retryWhole.isPending ? "Starting…" : "Retry run"}
                </button>
              ) : null}
              {finished ? (
                <ConfirmButton
                  title="Delete this run?"
                  description={<p>The run, its steps and its timeline are deleted for good.</p>}
                  confirmLabel="Delete run"
                  onConfirm={async () => {
                    await client.run.delete.mutate(runKey);
                    await queryClient.invalidateQueries({ queryKey: trpc.run.list.queryKey() });
                    router.push(`/w/${workspace.slug}/runs`);
                  }}
                >
                  Delete
                </ConfirmButton>
              ) : null}
            </div>
          ) : null}
        </div>
        <dl className="run-facts">
          <div>
            <dt>Trigger</dt>
            <dd>{triggerLabel[run.triggerKind]}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={run.createdAt.toISOString()}>{formatDateTime(run.createdAt)}</time>
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{run.startedAt ? <time dateTime={run.startedAt.toISOString()}>{formatDateTime(run.startedAt)}</time> : "Not yet"}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{run.finishedAt ? <time dateTime={run.finishedAt.toISOString()}>{formatDateTime(run.finishedAt)}</time> : "—"}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="mono" data-testid="run-duration">
              {duration === null ? "—" : formatDuration(duration)}
            </dd>
          </div>
          <div>
            <dt>Attempt</dt>
            <dd>{run.attempt}</dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd>{version ? `v${version.number}` : <span className="mono">{shortId(run.versionId)}</span>}</dd>
          </div>
          {run.originRunId ? (
            <div>
              <dt>Origin run</dt>
              <dd>
                <Link href={workspacePaths.run(workspace.slug, run.originRunId)} className="mono">
                  {shortId(run.originRunId)}
                </Link>
                {run.restartFromNodeId ? (
                  <span className="muted small">
                    {" "}
                    from “{definition?.nodes.find((n) => n.id === run.restartFromNodeId)?.name ?? run.restartFromNodeId}”
                  </span>
                ) : null}
              </dd>
            </div>
          ) : null}
          {run.parentRunId ? (
            <div>
              <dt>Parent run</dt>
              <dd>
                <Link href={workspacePaths.run(workspace.slug, run.parentRunId)} className="mono">
                  {shortId(run.parentRunId)}
                </Link>
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Driver</dt>
            <dd>
              {run.driver === "inngest" ? "Inngest" : "Embedded"}
              {run.inngestUrl ? (
                <>
                  {" · "}
                  <a href={run.inngestUrl} target="_blank" rel="noreferrer" title="The run in the Inngest dashboard">
                    Open in Inngest
                  </a>
                </>
              ) : null}
            </dd>
          </div>
          {run.wakeAt && !finished ? (
            <div>
              <dt>Wakes up</dt>
              <dd>{formatDateTime(run.wakeAt)}</dd>
            </div>
          ) : null}
        </dl>
        {run.error ? (
          <div className="alert error run-error" role="alert">
            <strong>The run failed{failedNode ? ` at “${nodeLabel(failedNode, descriptors.get(failedNode.type))}”` : ""}:</strong> {run.error.message}
          </div>
        ) : null}
        {detail.isError ? (
          <div className="alert warning" role="alert">
            Could not refresh this run ({detail.error.message}); what is shown may be out of date.{" "}
            <button type="button" className="link-button" onClick={() => void detail.refetch()}>
              Try again
            </button>
          </div>
        ) : null}
        {actionError ? (
          <div className="alert error" role="alert">
            {actionError.message}
          </div>
        ) : null}
      </header>

      <RunApprovals run={run} canEdit={canEdit} />

      <div className="run-main">
        <section className="card run-graph-card" aria-labelledby="graph-heading">
          <div className="run-section-head">
            <h2 id="graph-heading">Workflow as it ran</h2>
            <ul className="state-legend" aria-label="Node states">
              {LEGEND.filter((state) => counts.has(state)).map((state) => (
                <li key={state} className={state}>
                  <span className="run-node-dot" aria-hidden />
                  {counts.get(state)} {nodeStateLabel[state].toLowerCase()}
                </li>
              ))}
            </ul>
          </div>
          {definition ? (
            <RunGraph definition={definition} descriptors={descriptors} nodeRuns={nodeRuns} selected={selected} onSelect={setSelected} now={now} retryPreview={retryPreview} />
          ) : (
            <p className="empty">The workflow version this run used can no longer be read (the workflow was deleted). Its steps and data are below.</p>
          )}
        </section>
        <aside className="card run-side" aria-label="Node details">
          {selectedNode && definition ? (
            <NodeDetails
              key={selectedNode.id}
              node={selectedNode}
              definition={definition}
              descriptors={descriptors}
              nodeRun={nodeRuns.get(selectedNode.id) ?? { state: "queued", attempts: 0, startedAt: null, finishedAt: null, durationMs: null, reused: false, retrying: false }}
              steps={run.steps}
              events={events}
              runInput={run.input}
              now={now}
              onClose={() => setSelected(null)}
              onRetryFromHere={
                canEdit && finished && nodeRuns.get(selectedNode.id)?.state === "failed"
                  ? () => {
                      setRetryVersion("original");
                      setRetryNode(selectedNode.id);
                    }
                  : undefined
              }
            />
          ) : (
            <div className="node-details-empty">
              <h2>Node details</h2>
              <p className="muted">Select a node on the canvas or a step in the timeline to see its input, output, error and attempts.</p>
            </div>
          )}
        </aside>
      </div>

      <section className="card" aria-labelledby="timeline-heading">
        <div className="run-section-head">
          <h2 id="timeline-heading">Timeline</h2>
          <span className="muted small">{run.steps.length === 1 ? "1 step" : `${run.steps.length} steps`}</span>
        </div>
        <RunTimeline definition={definition} descriptors={descriptors} steps={run.steps} nodeRuns={nodeRuns} runStartedAt={run.startedAt} now={now} selected={selected} onSelect={setSelected} />
      </section>

      <div className="run-data">
        <section className="card" aria-labelledby="input-heading">
          <h2 id="input-heading">Run input</h2>
          <JsonViewer value={run.input} label="Run input" />
        </section>
        <section className="card" aria-labelledby="output-heading">
          <h2 id="output-heading">Run output</h2>
          {run.output !== null ? <JsonViewer value={run.output} label="Run output" /> : <p className="muted small">{finished ? "The run returned no output." : "Not finished yet."}</p>}
          {run.error ? (
            <>
              <h3 className="small">Error</h3>
              <JsonViewer value={run.error} label="Run error" />
            </>
          ) : null}
        </section>
      </div>

      <details className="card run-events">
        <summary>
          Event log <span className="muted small">({events.length})</span>
        </summary>
        <ol className="event-log">
          {events.map((event) => {
            const data = record(event.data);
            const error = record(data.error);
            const note = typeof data.message === "string" ? data.message : typeof error.message === "string" ? error.message : "";
            return (
              <li key={event.id}>
                <time className="mono small" dateTime={event.createdAt.toISOString()}>
                  {event.createdAt.toISOString().slice(11, 23)}
                </time>
                <code>{event.type}</code>
                {event.nodeId ? <span className="muted small">{event.stepId ?? event.nodeId}</span> : null}
                {note ? <span className="small">{note}</span> : null}
              </li>
            );
          })}
        </ol>
      </details>

      {retryNode && definition ? (
        <RetryDialog
          runId={run.id}
          nodeId={retryNode}
          version={retryVersion}
          onVersionChange={setRetryVersion}
          definition={definition}
          descriptors={descriptors}
          versionNumber={version?.number ?? null}
          onClose={closeRetry}
          onPreview={setRetryPreview}
        />
      ) : null}
    </div>
  );
}
