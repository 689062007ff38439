"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { formatDateTime, timeFromNow } from "../format";
import { Loading, QueryError } from "../ui/status";
import { useTRPC } from "~/trpc/react";
import { Icon } from "./icons";

interface HistoryPanelProps {
  workspaceId: string;
  workflowId: string;
  /** The version open in the preview, if any. */
  openNumber: number | null;
  onOpen: (number: number) => void;
  latestNumber: number | null;
}

/** Published versions, newest first; opening one previews it against the draft. */
export function HistoryPanel({ workspaceId, workflowId, openNumber, onOpen, latestNumber }: HistoryPanelProps) {
  const trpc = useTRPC();
  const versions = useInfiniteQuery(
    trpc.workflowVersion.list.infiniteQueryOptions({ workspaceId, workflowId, limit: 20 }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const now = versions.dataUpdatedAt;
  const items = versions.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="inspector-body">
      <h2 className="inspector-title">Version history</h2>
      <p className="muted small">Publishing stores the draft as a new version. Open one to compare it with your draft and restore it.</p>
      {versions.isPending ? (
        <Loading>Loading versions…</Loading>
      ) : versions.isError ? (
        <QueryError error={versions.error} what="versions" onRetry={() => void versions.refetch()} />
      ) : items.length === 0 ? (
        <div className="empty-panel">
          <Icon name="history" size={22} />
          <p>No versions yet. Publish the draft to create version 1.</p>
        </div>
      ) : (
        <ol className="version-list" aria-label="Versions">
          {items.map((version) => (
            <li key={version.id} className={openNumber === version.number ? "open" : undefined}>
              <button
                type="button"
                className="version-item"
                aria-current={openNumber === version.number ? "true" : undefined}
                aria-label={`Open version ${version.number}${version.message ? `: ${version.message}` : ""}`}
                onClick={() => onOpen(version.number)}
              >
                <span className="version-number">v{version.number}</span>
                <span className="version-text">
                  <span className="version-message">{version.message || <span className="muted">No message</span>}</span>
                  <span className="version-meta">
                    <time dateTime={version.createdAt.toISOString()} title={formatDateTime(version.createdAt)}>
                      {timeFromNow(version.createdAt, now)}
                    </time>
                    {latestNumber === version.number ? <span className="badge success">Live</span> : null}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {versions.hasNextPage ? (
        <button type="button" className="button small" onClick={() => void versions.fetchNextPage()} disabled={versions.isFetchingNextPage}>
          {versions.isFetchingNextPage ? "Loading…" : "Load older versions"}
        </button>
      ) : null}
    </div>
  );
}
