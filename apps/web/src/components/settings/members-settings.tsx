"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { formatDate } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { NeedsRole, QueryView } from "../ui/status";
import { assignableRoles, hasRole, roleLabel, type Role } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { InviteForm } from "./invite-form";
import { PendingInvites } from "./pending-invites";
import { DataTable } from "../ui/data-table";

export function MembersSettings({ currentUserId }: { currentUserId: string }) {
  const workspace = useWorkspace();
  const isAdmin = hasRole(workspace.role, "admin");
  return (
    <>
      <MembersTable currentUserId={currentUserId} />
      {isAdmin ? (
        <>
          <InviteForm />
          <PendingInvites />
        </>
      ) : (
        <NeedsRole role="admin" action="invite people or change members' roles" />
      )}
    </>
  );
}

function MembersTable({ currentUserId }: { currentUserId: string }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.member.list.queryOptions({ workspaceId: workspace.id }));
  const [actionError, setActionError] = useState<string>();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.member.list.queryKey() });
  const changeRole = useMutation(
    trpc.member.changeRole.mutationOptions({
      onMutate: () => setActionError(undefined),
      onError: (error) => setActionError(formError(error).message),
      onSettled: invalidate,
    }),
  );
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSuccess: invalidate }));

  const isAdmin = hasRole(workspace.role, "admin");
  const isOwner = workspace.role === "owner";
  const roles = assignableRoles(workspace.role);
  const canManage = (member: { userId: string; role: Role }) =>
    isAdmin && member.userId !== currentUserId && (member.role !== "owner" || isOwner);

  return (
    <section className="card" aria-labelledby="members-heading">
      <div className="card-header">
        <div>
          <h2 id="members-heading">Members{members.data ? ` (${members.data.length})` : ""}</h2>
          <p className="muted">
            Viewers read, editors change and run workflows, admins manage members and API keys, owners can do everything.
            {members.data?.length === 1 && isAdmin ? " It is just you so far: invite someone below." : ""}
          </p>
        </div>
      </div>
      {actionError ? (
        <div className="alert error" role="alert">
          {actionError}
        </div>
      ) : null}
      <QueryView query={members} loading="Loading members…" what="members">
        {(data) => (
          <DataTable columns={["Member", "Role", "Joined"]} actions="Actions">
            {data.map((member) => {
              const manageable = canManage(member);
              const label = member.name ? `${member.name} (${member.email})` : member.email;
              return (
                <tr key={member.userId}>
                  <td>
                    <div className="person">
                      <span className="avatar" aria-hidden>
                        {(member.name || member.email).charAt(0).toUpperCase()}
                      </span>
                      <div>
                        <div className="person-name">
                          {member.name || member.email}
                          {member.userId === currentUserId ? <span className="badge accent">You</span> : null}
                        </div>
                        {member.name ? <div className="muted small">{member.email}</div> : null}
                      </div>
                    </div>
                  </td>
                  <td>
                    {manageable ? (
                      <select
                        className="input compact"
                        aria-label={`Role for ${member.email}`}
                        value={member.role}
                        disabled={changeRole.isPending}
                        onChange={(event) =>
                          changeRole.mutate({
                            workspaceId: workspace.id,
                            userId: member.userId,
                            role: event.currentTarget.value as Role,
                          })
                        }
                      >
                        {/* An admin sees an owner's row read-only, so the current role is always offered. */}
                        {(roles.includes(member.role) ? roles : [member.role, ...roles]).map((role) => (
                          <option key={role} value={role}>
                            {roleLabel[role]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className={`badge${member.role === "owner" ? " accent" : ""}`}>{roleLabel[member.role]}</span>
                    )}
                  </td>
                  <td className="nowrap">{formatDate(member.joinedAt)}</td>
                  <td className="actions">
                    {manageable ? (
                      <ConfirmButton
                        label={`Remove ${member.email}`}
                        title="Remove member?"
                        description={
                          <p>
                            {label} will lose access to {workspace.name} right away. You can invite them again later.
                          </p>
                        }
                        confirmLabel="Remove member"
                        onConfirm={() => remove.mutateAsync({ workspaceId: workspace.id, userId: member.userId })}
                      >
                        Remove
                      </ConfirmButton>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}
