"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "../format";
import { useWorkspace } from "../workspace/workspace-context";
import type { RunDetail } from "./lib/run-format";

type Approval = RunDetail["pendingApprovals"][number];

function ApprovalCard({ runId, approval, canEdit }: { runId: string; approval: Approval; canEdit: boolean }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const commentId = useId();
  const [comment, setComment] = useState("");
  const decide = useMutation(
    trpc.run.decideApproval.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.run.get.queryKey({ workspaceId: workspace.id, runId }) }),
    }),
  );
  const send = (decision: "approved" | "rejected") => decide.mutate({ workspaceId: workspace.id, runId, stepId: approval.stepId, decision, comment: comment.trim() || undefined });
  return (
    <li className="approval">
      <div className="approval-text">
        <strong>{approval.title}</strong>
        {approval.instructions ? <p className="small">{approval.instructions}</p> : null}
        <p className="muted small">
          {approval.approvers.length > 0 ? `Approvers: ${approval.approvers.join(", ")}. ` : null}
          Expires {formatDateTime(approval.expiresAt)}.
        </p>
      </div>
      {canEdit ? (
        <div className="approval-actions">
          <label htmlFor={commentId} className="sr-only">
            Comment on {approval.title}
          </label>
          <input id={commentId} className="input" placeholder="Comment (optional)" value={comment} onChange={(event) => setComment(event.target.value)} maxLength={5000} />
          <button type="button" className="button primary small" disabled={decide.isPending} onClick={() => send("approved")}>
            Approve
          </button>
          <button type="button" className="button danger small" disabled={decide.isPending} onClick={() => send("rejected")}>
            Reject
          </button>
        </div>
      ) : null}
      {decide.isError ? (
        <div className="alert error" role="alert">
          Could not record the decision: {decide.error.message}
        </div>
      ) : null}
    </li>
  );
}

/** The approvals a run is waiting for, each with approve / reject. */
export function RunApprovals({ run, canEdit }: { run: RunDetail; canEdit: boolean }) {
  if (run.pendingApprovals.length === 0) return null;
  return (
    <section className="card approvals-card" aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">Waiting for approval</h2>
      <ul className="approval-list">
        {run.pendingApprovals.map((approval) => (
          <ApprovalCard key={approval.stepId} runId={run.id} approval={approval} canEdit={canEdit} />
        ))}
      </ul>
    </section>
  );
}
