"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { Icon } from "../editor/icons";
import { formatDateTime, timeFromNow } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { QueryView } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { useWorkspace } from "../workspace/workspace-context";
import { shortId, triggerLabel } from "./lib/run-format";
import { RunStatusBadge } from "./run-status";
import { LoadMore } from "../ui/load-more";
import { DataTable } from "../ui/data-table";

/** Runs that failed for good: replay them as new runs or dismiss them from the list. */
export function DeadLetters({ workflowId, canEdit, names }: { workflowId?: string; canEdit: boolean; names: ReadonlyMap<string, string> }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const input = { workspaceId: workspace.id, workflowId, limit: 25 };
  const list = useInfiniteQuery({
    queryKey: [...trpc.run.deadLetters.queryKey(input), "pages"],
    queryFn: ({ pageParam }) => client.run.deadLetters.query({ ...input, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.run.deadLetters.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.run.list.queryKey() }),
    ]);
  const [replayed, setReplayed] = useState<{ from: string; to: string } | null>(null);
  const replay = useMutation(
    trpc.run.replayDeadLetter.mutationOptions({
      onSuccess: (run, variables) => setReplayed({ from: variables.runId, to: run.id }),
      onSettled: invalidate,
    }),
  );
  const dismiss = useMutation(trpc.run.dismissDeadLetter.mutationOptions({ onSettled: invalidate }));
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const now = list.dataUpdatedAt;

  return (
    <>
      <p className="muted small runs-note">Runs land here when they fail after every retry. Replaying starts a new run with the same input; dismissing takes a run off this list.</p>
      {replayed ? (
        <div className="alert success" role="status">
          Replayed run <span className="mono">{shortId(replayed.from)}</span> as{" "}
          <Link href={workspacePaths.run(workspace.slug, replayed.to)} className="mono">
            run {shortId(replayed.to)}
          </Link>
          .
        </div>
      ) : null}
      {replay.isError ? (
        <div className="alert error" role="alert">
          Could not replay: {replay.error.message}
        </div>
      ) : null}
      <QueryView
        query={list}
        loading="Loading dead letters…"
        what="dead letters"
        isEmpty={() => items.length === 0}
        empty={
          <div className="empty empty-state">
            <span className="empty-icon" aria-hidden>
              <Icon name="check-circle" size={24} />
            </span>
            <h3>No dead letters</h3>
            <p className="muted">{workflowId ? "No run of this workflow is waiting for attention." : "No failed run is waiting for attention."}</p>
          </div>
        }
      >
        {() => (
          <DataTable columns={["Workflow", "Status", "Trigger", "Dead-lettered"]} actions="Actions" className="runs-table">
            {items.map((run) => {
              const name = names.get(run.workflowId) ?? "Workflow";
              const at = run.deadLetteredAt ?? run.finishedAt ?? run.createdAt;
              return (
                <tr key={run.id} data-run-id={run.id}>
                  <td>
                    <Link href={workspacePaths.run(workspace.slug, run.id)} className="run-link">
                      {name}
                    </Link>
                    <span className="run-id mono">{shortId(run.id)}</span>
                    {run.error?.message ? <p className="run-error-line small">{run.error.message}</p> : null}
                  </td>
                  <td>
                    <RunStatusBadge status={run.status} />
                  </td>
                  <td>{triggerLabel[run.triggerKind]}</td>
                  <td className="nowrap">
                    <time dateTime={at.toISOString()} title={formatDateTime(at)}>
                      {timeFromNow(at, now)}
                    </time>
                  </td>
                  <td className="actions nowrap">
                    {canEdit ? (
                      <>
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Replay run ${shortId(run.id)}`}
                          disabled={replay.isPending}
                          onClick={() => replay.mutate({ workspaceId: workspace.id, runId: run.id })}
                        >
                          Replay
                        </button>{" "}
                        <ConfirmButton
                          label={`Dismiss run ${shortId(run.id)}`}
                          title="Dismiss this dead letter?"
                          description={<p>The run stays in the run history; it just leaves this list. It can still be retried from its page.</p>}
                          confirmLabel="Dismiss"
                          onConfirm={() => dismiss.mutateAsync({ workspaceId: workspace.id, runId: run.id })}
                        >
                          Dismiss
                        </ConfirmButton>
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </QueryView>
      <LoadMore query={list} />
    </>
  );
}
