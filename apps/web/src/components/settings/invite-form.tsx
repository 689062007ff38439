"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";
import { formatDateTime } from "../format";
import { SecretBox } from "../ui/secret-box";
import { assignableRoles, roleLabel, withArticle, type Role } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";

type CreatedInvite = RouterOutputs["invite"]["create"] & { url: string };

export function InviteForm() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedInvite>();
  const create = useMutation(
    trpc.invite.create.mutationOptions({
      onSuccess: (invite) => {
        setCreated({ ...invite, url: `${window.location.origin}${invite.path}` });
        return queryClient.invalidateQueries({ queryKey: trpc.invite.listPending.queryKey() });
      },
    }),
  );
  const failure = create.error ? formError(create.error) : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setCreated(undefined);
    create.mutate(
      { workspaceId: workspace.id, email: String(form.get("email") ?? "").trim(), role: String(form.get("role")) as Role },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <section className="card" aria-labelledby="invite-heading">
      <div className="card-header">
        <div>
          <h2 id="invite-heading">Invite a member</h2>
          <p className="muted">Trellis does not send email: you get a link to share with the person you invite.</p>
        </div>
      </div>
      <form className="stack" onSubmit={onSubmit} noValidate aria-labelledby="invite-heading">
        {failure && !failure.fieldErrors.email && !failure.fieldErrors.role ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <div className="inline-form">
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            placeholder="teammate@example.com"
            required
            errors={failure?.fieldErrors.email}
          />
          <label className="field role-field">
            Role
            <select className="input" name="role" defaultValue="editor" aria-invalid={Boolean(failure?.fieldErrors.role)}>
              {assignableRoles(workspace.role).map((role) => (
                <option key={role} value={role}>
                  {roleLabel[role]}
                </option>
              ))}
            </select>
          </label>
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating invite…" : "Send invite"}
          </button>
        </div>
      </form>
      {created ? (
        <div className="stack created after">
          <div className="alert success" role="status">
            Invite created for <strong>{created.email}</strong> as {withArticle(created.role)}. No email is sent: copy this
            link and share it with them. It works once, until {formatDateTime(created.expiresAt)}.
          </div>
          <SecretBox label="Invite link" value={created.url} />
          <p className="muted small">
            This link is shown only now. If it gets lost, revoke the invite below and send a new one.
          </p>
        </div>
      ) : null}
    </section>
  );
}
