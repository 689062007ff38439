"use client";

import { useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { AppRouter, RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { DraftSaver } from "./lib/draft-saver";
import type { WorkflowDefinition } from "./lib/types";

type WorkflowView = RouterOutputs["workflow"]["get"];

/** The server's current revision when `error` is a CONFLICT (null if it did not say), else undefined. */
export function conflictRevision(error: unknown): number | null | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as TRPCClientError<AppRouter>).data as { code?: string; currentRevision?: number } | undefined;
  if (data?.code !== "CONFLICT") return undefined;
  return typeof data.currentRevision === "number" ? data.currentRevision : null;
}

/**
 * Autosaves the draft through `workflow.update` (see DraftSaver) and warns
 * before the page is left with changes the server does not have.
 */
export function useDraftSaver(workspaceId: string, workflow: WorkflowView, definition: WorkflowDefinition, enabled: boolean) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [saver] = useState(
    () =>
      new DraftSaver({
        revision: workflow.revision,
        definition: workflow.definition,
        hasUnpublishedChanges: workflow.hasUnpublishedChanges,
        send: async (change, expectedRevision) => {
          const saved = await client.workflow.update.mutate({ workspaceId, workflowId: workflow.id, expectedRevision, ...change });
          queryClient.setQueryData(trpc.workflow.get.queryKey({ workspaceId, workflowId: workflow.id }), saved);
          void queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey(), refetchType: "none" });
          return { revision: saved.revision, hasUnpublishedChanges: saved.hasUnpublishedChanges };
        },
        conflictOf: conflictRevision,
        messageOf: (error) => formError(error).message,
      }),
  );
  useEffect(() => {
    if (enabled) saver.update(definition);
  }, [saver, definition, enabled]);
  useEffect(() => () => saver.dispose(), [saver]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      const { status } = saver.getSnapshot();
      if (saver.dirty || status === "saving") event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [saver]);
  const snapshot = useSyncExternalStore(saver.subscribe, saver.getSnapshot, saver.getSnapshot);
  return { saver, snapshot };
}
