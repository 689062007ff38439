"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId } from "react";
import { useTRPC } from "~/trpc/react";
import { nodeLabel } from "../editor/lib/flow-mapping";
import type { Descriptors, WorkflowDefinition } from "../editor/lib/types";
import { DialogActions, Modal } from "../ui/modal";
import { Loading, QueryError } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { useWorkspace } from "../workspace/workspace-context";

export type RetryPreview = { rerun: ReadonlySet<string>; reused: ReadonlySet<string> };

interface RetryDialogProps {
  runId: string;
  nodeId: string;
  version: "original" | "latest";
  onVersionChange: (version: "original" | "latest") => void;
  definition: WorkflowDefinition;
  descriptors: Descriptors;
  versionNumber: number | null;
  onClose: () => void;
  /** The preview, to highlight on the canvas behind the dialog. */
  onPreview: (preview: RetryPreview | null) => void;
  /** Called with the new run instead of opening its page (the editor follows it on its canvas). */
  onRetried?: (run: { id: string }) => void;
}

/** "Retry from here": what would run again and what would be reused, then the retry itself (which opens the new run). */
export function RetryDialog({ runId, nodeId, version, onVersionChange, definition, descriptors, versionNumber, onClose, onPreview, onRetried }: RetryDialogProps) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const versionName = useId();
  const preview = useQuery(trpc.run.retryPreview.queryOptions({ workspaceId: workspace.id, runId, nodeId, version }, { staleTime: 0 }));
  const retry = useMutation(
    trpc.run.retry.mutationOptions({
      onSuccess: (run) => (onRetried ? onRetried(run) : router.push(workspacePaths.run(workspace.slug, run.id))),
    }),
  );
  const labelOf = (id: string) => {
    const node = definition.nodes.find((n) => n.id === id);
    return node ? nodeLabel(node, descriptors.get(node.type)) : id;
  };
  const data = preview.data;
  useEffect(() => {
    onPreview(data ? { rerun: new Set(data.rerun), reused: new Set(data.reused.map((r) => r.nodeId)) } : null);
  }, [data, onPreview]);
  const blocked = (data?.differingNodes.length ?? 0) > 0;

  return (
    <Modal open onClose={onClose} title={`Retry from “${labelOf(nodeId)}”`} description="A new run starts at this node with the same input. Nodes upstream of it are not run again: their outputs are reused." wide>
      <fieldset className="segmented retry-version" aria-label="Version to run">
        <label className={version === "original" ? "active" : undefined}>
          <input type="radio" name={versionName} checked={version === "original"} onChange={() => onVersionChange("original")} />
          This run’s version{versionNumber ? ` (v${versionNumber})` : ""}
        </label>
        <label className={version === "latest" ? "active" : undefined}>
          <input type="radio" name={versionName} checked={version === "latest"} onChange={() => onVersionChange("latest")} />
          Latest published version
        </label>
      </fieldset>
      {preview.isPending ? (
        <Loading>Working out what would run again…</Loading>
      ) : preview.isError ? (
        <QueryError error={preview.error} what="the retry preview" onRetry={() => void preview.refetch()} />
      ) : data ? (
        <div className="retry-preview">
          <section aria-label="Will run again">
            <h3>Will run again ({data.rerun.length})</h3>
            <ul className="retry-list rerun">
              {data.rerun.map((id) => (
                <li key={id}>{labelOf(id)}</li>
              ))}
            </ul>
          </section>
          <section aria-label="Outputs reused">
            <h3>Outputs reused ({data.reused.length})</h3>
            {data.reused.length === 0 ? (
              <p className="muted small">None: the retry starts at the first node.</p>
            ) : (
              <ul className="retry-list reused">
                {data.reused.map((entry) => (
                  <li key={entry.nodeId}>
                    {labelOf(entry.nodeId)} <span className="muted small">({entry.stepIds.length === 1 ? "1 step" : `${entry.stepIds.length} steps`})</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {blocked ? (
            <div className="alert warning" role="alert">
              Nodes upstream of this one changed in the latest version ({data.differingNodes.map(labelOf).join(", ")}), so their outputs cannot be reused. Retry on this run’s version instead.
            </div>
          ) : null}
        </div>
      ) : null}
      {retry.isError ? (
        <div className="alert error" role="alert">
          Could not retry: {retry.error.message}
        </div>
      ) : null}
      <DialogActions onCancel={onClose}>
        <button
          type="button"
          className="button primary"
          disabled={!data || blocked || retry.isPending || retry.isSuccess}
          onClick={() => retry.mutate({ workspaceId: workspace.id, runId, nodeId, version })}
        >
          {retry.isPending || retry.isSuccess ? "Starting…" : `Retry from “${labelOf(nodeId)}”`}
        </button>
      </DialogActions>
    </Modal>
  );
}
