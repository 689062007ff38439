"use client";

import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { deriveNodeRuns, type NodeRun, type RunEventLike } from "../runs/lib/node-states";
import { isFinished } from "../runs/lib/run-format";
import { useNow } from "../runs/run-status";
import { overlayOf, type RunOverlay } from "./lib/test-run";
import type { WorkflowDefinition } from "./lib/types";

/** The run the editor follows: which one, and the published version it runs. */
export interface FollowedRun {
  runId: string;
  versionNumber: number;
}

type LiveEvent = RunEventLike & { receivedAt: number };
const FINAL_EVENTS = new Set(["run.succeeded", "run.failed", "run.cancelled"]);
const NO_EVENTS: LiveEvent[] = [];

const NONE: ReadonlySet<string> = new Set();

function reusedIn(events: readonly RunEventLike[]): ReadonlySet<string> {
  for (const event of events) {
    const data = event.data as { reusedNodes?: unknown } | null;
    if (data && typeof data === "object" && Array.isArray(data.reusedNodes)) return new Set(data.reusedNodes.filter((id): id is string => typeof id === "string"));
  }
  return NONE;
}

/**
 * Follows one test run: its timeline streams in over the `run.events`
 * subscription (the live source of node states), its record (status,
 * journal, output) is refetched shortly after new entries, and the pinned
 * version's definition says which nodes it has.
 */
export function useTestRun(workspaceId: string, workflowId: string, followed: FollowedRun | null, retryPreview: { rerun: ReadonlySet<string>; reused: ReadonlySet<string> } | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runId = followed?.runId ?? null;
  const runInput = runId ? { workspaceId, runId } : skipToken;
  const detail = useQuery(trpc.run.get.queryOptions(runInput, { refetchOnWindowFocus: false }));
  const version = useQuery(
    trpc.workflowVersion.get.queryOptions(followed ? { workspaceId, workflowId, number: followed.versionNumber } : skipToken, { staleTime: Number.POSITIVE_INFINITY }),
  );

  // Events belong to the run they came for: a new run starts with none.
  const [stream, setStream] = useState<{ runId: string | null; events: LiveEvent[] }>({ runId: null, events: [] });
  const events = stream.runId === runId ? stream.events : NO_EVENTS;
  const onData = useCallback(
    (event: RunEventLike, forRun: string) =>
      setStream((current) => {
        const list = current.runId === forRun ? current.events : [];
        if (list.some((e) => e.id === event.id)) return current;
        return { runId: forRun, events: [...list, { ...event, receivedAt: Date.now() }] };
      }),
    [],
  );
  const subscription = useSubscription(
    trpc.run.events.subscriptionOptions(runId ? { workspaceId, runId } : skipToken, {
      onData: (tracked) => {
        if (runId) onData(tracked.data, runId);
      },
    }),
  );

  const run = detail.data && detail.data.id === runId ? detail.data : null;
  const status = run?.status ?? "queued";
  const last = events.at(-1);
  const { dataUpdatedAt } = detail;
  useEffect(() => {
    if (!last || !runId) return;
    // Refetch when an entry arrived after the record was fetched (or the run ended and the record does not say so yet),
    // at most about twice a second while entries stream in.
    const stale = last.receivedAt > dataUpdatedAt - 50 || (FINAL_EVENTS.has(last.type) && !isFinished(status));
    if (!stale) return;
    const timer = setTimeout(
      () => void queryClient.invalidateQueries({ queryKey: trpc.run.get.queryKey({ workspaceId, runId }) }),
      Math.max(150, dataUpdatedAt + 500 - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [last, dataUpdatedAt, status, queryClient, trpc, workspaceId, runId]);

  const finished = isFinished(status);
  const now = useNow(runId !== null && !finished, 500);
  const definition: WorkflowDefinition | null = version.data?.definition ?? null;
  const nodeRuns = useMemo(() => {
    if (!definition || !runId) return null;
    return deriveNodeRuns(
      definition.nodes.map((n) => n.id),
      { status },
      events,
      run?.steps ?? [],
    );
  }, [definition, runId, status, events, run?.steps]);
  // A retry from a node says on its first timeline entry which nodes' outputs it took over from the run it retries.
  const reusedNodes = useMemo(() => reusedIn(events), [events]);
  const withReuse = useMemo(() => {
    if (!nodeRuns || reusedNodes.size === 0) return nodeRuns;
    return new Map([...nodeRuns].map(([id, nodeRun]) => [id, reusedNodes.has(id) ? { ...nodeRun, reused: true } : nodeRun]));
  }, [nodeRuns, reusedNodes]);
  const overlays = useMemo(() => {
    if (!withReuse) return null;
    const out = new Map<string, RunOverlay>();
    for (const [id, nodeRun] of withReuse) {
      const role = retryPreview ? (retryPreview.rerun.has(id) ? "rerun" : retryPreview.reused.has(id) ? "reused" : null) : null;
      out.set(id, overlayOf(nodeRun, now, role));
    }
    return out;
  }, [withReuse, now, retryPreview]);

  return {
    run,
    status,
    finished,
    events,
    definition,
    nodeRuns: withReuse ?? (new Map() as ReadonlyMap<string, NodeRun>),
    overlays,
    now,
    live: subscription.status,
    error: detail.error ?? version.error ?? null,
  };
}
