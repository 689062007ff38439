"use client";

import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { Icon } from "../editor/icons";
import { formatDateTime, plural, timeFromNow } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { QueryView } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { useWorkspace } from "../workspace/workspace-context";
import { createdAfter, matchesFilters, type RunFilters } from "./lib/run-filters";
import { formatDuration, isFinished, runDurationMs, shortId, triggerLabel, type RunSummary } from "./lib/run-format";
import { RunStatusBadge, useNow } from "./run-status";
import { LoadMore } from "../ui/load-more";

const PAGE_SIZE = 25;

interface BulkOutcome {
  tone: "success" | "error";
  message: string;
  newRuns?: string[];
}

/** One filtered list of runs: keyset pages ("Load more"), live statuses, and bulk cancel / replay. */
export function RunsTable({ filters, canEdit, onClearFilters }: { filters: RunFilters; canEdit: boolean; onClearFilters?: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  // The time range is counted back from when this list was opened (or refreshed), so pages stay consistent.
  const [anchor, setAnchor] = useState(() => Date.now());
  const after = createdAfter(filters.range, anchor);
  const input = { workspaceId: workspace.id, workflowId: filters.workflowId, status: filters.status, trigger: filters.trigger, createdAfter: after, limit: PAGE_SIZE };
  const list = useInfiniteQuery({
    queryKey: [...trpc.run.list.queryKey(input), "pages"],
    queryFn: ({ pageParam }) => client.run.list.query({ ...input, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });

  // Status changes stream in over SSE; they overlay the loaded pages and add new runs on top.
  const [live, setLive] = useState<ReadonlyMap<string, RunSummary>>(new Map());
  const subscription = useSubscription(
    trpc.run.statusChanges.subscriptionOptions(
      { workspaceId: workspace.id },
      {
        // On (re)connecting, catch up with what changed while no stream was open.
        onStarted: () => void queryClient.invalidateQueries({ queryKey: trpc.run.list.queryKey() }),
        onData: (run) =>
          setLive((current) => {
            const next = new Map(current);
            next.set(run.id, run);
            return next;
          }),
      },
    ),
  );

  const loaded = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const rows = useMemo(() => {
    const known = new Set(loaded.map((run) => run.id));
    const newest = loaded[0]?.createdAt.getTime() ?? 0;
    const fresh = [...live.values()]
      .filter((run) => !known.has(run.id) && run.createdAt.getTime() >= newest && matchesFilters(run, filters, after))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return [...fresh, ...loaded.map((run) => live.get(run.id) ?? run)];
  }, [loaded, live, filters, after]);

  const anyActive = rows.some((run) => !isFinished(run.status));
  const now = useNow(anyActive);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = rows.filter((run) => selected.has(run.id));
  const cancellable = chosen.filter((run) => !isFinished(run.status));
  const replayable = chosen.filter((run) => isFinished(run.status));
  const allSelected = rows.length > 0 && rows.every((run) => selected.has(run.id));

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(rows.map((run) => run.id)));

  const refresh = () => {
    setAnchor(Date.now());
    return queryClient.invalidateQueries({ queryKey: trpc.run.list.queryKey() });
  };

  async function bulk(action: "cancel" | "replay") {
    const targets = action === "cancel" ? cancellable : replayable;
    setBusy(true);
    setOutcome(null);
    const results = await Promise.allSettled(
      targets.map((run) =>
        action === "cancel"
          ? client.run.cancel.mutate({ workspaceId: workspace.id, runId: run.id })
          : client.run.retry.mutate({ workspaceId: workspace.id, runId: run.id }),
      ),
    );
    setBusy(false);
    const done = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : []));
    const failures = results.flatMap((r, i) => (r.status === "rejected" ? [`${shortId(targets[i]?.id ?? "")}: ${formError(r.reason).message}`] : []));
    const verb = action === "cancel" ? "Cancelled" : "Replayed";
    const message =
      failures.length === 0
        ? `${verb} ${plural(done.length, "run")}.`
        : `${verb} ${plural(done.length, "run")}; ${plural(failures.length, "run")} could not be ${action === "cancel" ? "cancelled" : "replayed"} (${failures.join("; ")}).`;
    setOutcome({ tone: failures.length === 0 ? "success" : "error", message, newRuns: action === "replay" ? done : undefined });
    setSelected(new Set());
    await refresh();
  }

  const liveState =
    subscription.status === "pending" ? (
      <span className="live-dot on" title="Statuses update as runs change">
        Live
      </span>
    ) : subscription.status === "error" ? (
      <span className="live-dot off" title={subscription.error?.message}>
        Live updates paused
      </span>
    ) : (
      <span className="live-dot connecting">Connecting…</span>
    );

  return (
    <>
      <div className="runs-toolbar" role="toolbar" aria-label="Selected runs">
        {canEdit ? (
          <>
            <span className="muted small" aria-live="polite">
              {selected.size > 0 ? `${selected.size} selected` : "Select runs to cancel or replay them"}
            </span>
            <ConfirmButton
              className="button small danger"
              title={`Cancel ${plural(cancellable.length, "run")}?`}
              description={<p>Running steps finish; nothing after them runs. Cancelled runs can be replayed later.</p>}
              confirmLabel="Cancel runs"
              disabled={busy || cancellable.length === 0}
              onConfirm={() => bulk("cancel")}
            >
              Cancel selected{cancellable.length > 0 ? ` (${cancellable.length})` : ""}
            </ConfirmButton>
            <button type="button" className="button small" disabled={busy || replayable.length === 0} onClick={() => void bulk("replay")}>
              Replay selected{replayable.length > 0 ? ` (${replayable.length})` : ""}
            </button>
          </>
        ) : null}
        <span className="spacer" />
        {liveState}
        <button type="button" className="button small ghost" onClick={() => void refresh()} disabled={list.isFetching}>
          {list.isFetching && !list.isPending ? <span className="spinner" aria-hidden /> : null}
          Refresh
        </button>
      </div>
      {outcome ? (
        <div className={`alert ${outcome.tone}`} role="status">
          {outcome.message}
          {outcome.newRuns && outcome.newRuns.length > 0 ? (
            <>
              {" "}
              New runs:{" "}
              {outcome.newRuns.map((id, index) => (
                <span key={id}>
                  {index > 0 ? ", " : null}
                  <Link href={workspacePaths.run(workspace.slug, id)} className="mono">
                    {shortId(id)}
                  </Link>
                </span>
              ))}
            </>
          ) : null}
        </div>
      ) : null}

      <QueryView
        query={list}
        loading="Loading runs…"
        what="runs"
        isEmpty={() => rows.length === 0}
        empty={
          onClearFilters ? (
            <div className="empty">
              <p>No runs match these filters.</p>
              <button type="button" className="button small" onClick={onClearFilters}>
                Clear filters
              </button>
            </div>
          ) : (
            <div className="empty empty-state">
              <span className="empty-icon" aria-hidden>
                <Icon name="play" size={24} />
              </span>
              <h3>No runs yet</h3>
              <p className="muted">
                Runs appear here, live, as soon as a workflow starts: a test run from the editor, a webhook, a schedule or the API.
              </p>
              <Link className="button" href={`/w/${workspace.slug}/workflows`}>
                Go to workflows
              </Link>
            </div>
          )
        }
      >
        {() => (
          <div className="table-wrap">
            <table className="table runs-table">
              <thead>
                <tr>
                  {canEdit ? (
                    <th scope="col" className="select-cell">
                      <input type="checkbox" aria-label="Select all runs shown" checked={allSelected} onChange={toggleAll} />
                    </th>
                  ) : null}
                  <th scope="col">Workflow</th>
                  <th scope="col">Status</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Created</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((run) => {
                  const duration = runDurationMs(run, now);
                  return (
                    <tr key={run.id} className={selected.has(run.id) ? "selected" : undefined} data-run-id={run.id}>
                      {canEdit ? (
                        <td className="select-cell">
                          <input type="checkbox" aria-label={`Select run ${shortId(run.id)} of ${run.workflowName}`} checked={selected.has(run.id)} onChange={() => toggle(run.id)} />
                        </td>
                      ) : null}
                      <td>
                        <Link href={workspacePaths.run(workspace.slug, run.id)} className="run-link">
                          {run.workflowName}
                        </Link>
                        <span className="run-id mono">{shortId(run.id)}</span>
                        {run.error?.message ? <p className="run-error-line small">{run.error.message}</p> : null}
                      </td>
                      <td>
                        <RunStatusBadge status={run.status} pausing={run.pauseRequestedAt !== null} />
                      </td>
                      <td>{triggerLabel[run.triggerKind]}</td>
                      <td className="nowrap">
                        <time dateTime={run.createdAt.toISOString()} title={formatDateTime(run.createdAt)}>
                          {timeFromNow(run.createdAt, now)}
                        </time>
                      </td>
                      <td className="nowrap mono small">{duration === null ? "—" : formatDuration(duration)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      <LoadMore query={list} />
    </>
  );
}
