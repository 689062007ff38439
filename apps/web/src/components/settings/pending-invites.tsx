"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { formatDate, formatDateTime } from "../format";
import { QueryView } from "../ui/status";
import { roleLabel } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { DataTable } from "../ui/data-table";

export function PendingInvites() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.invite.listPending.queryOptions({ workspaceId: workspace.id }));
  const revoke = useMutation(
    trpc.invite.revoke.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.invite.listPending.queryKey() }),
    }),
  );

  return (
    <section className="card" aria-labelledby="pending-heading">
      <div className="card-header">
        <div>
          <h2 id="pending-heading">Pending invites</h2>
          <p className="muted">Invites that have not been accepted yet. Each expires after 7 days.</p>
        </div>
      </div>
      {revoke.error ? (
        <div className="alert error" role="alert">
          {formError(revoke.error).message}
        </div>
      ) : null}
      <QueryView query={invites} loading="Loading invites…" what="pending invites" isEmpty={(data) => data.length === 0} empty={<p className="empty">No pending invites.</p>}>
        {(data) => (
          <DataTable columns={["Email", "Role", "Invited", "Expires"]} actions="Actions">
            {data.map((invite) => (
              <tr key={invite.id}>
                <td>{invite.email}</td>
                <td>
                  <span className="badge">{roleLabel[invite.role]}</span>
                </td>
                <td className="nowrap">{formatDate(invite.createdAt)}</td>
                <td className="nowrap">{formatDateTime(invite.expiresAt)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button danger small"
                    aria-label={`Revoke invite for ${invite.email}`}
                    disabled={revoke.isPending && revoke.variables?.inviteId === invite.id}
                    onClick={() => revoke.mutate({ workspaceId: workspace.id, inviteId: invite.id })}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}
