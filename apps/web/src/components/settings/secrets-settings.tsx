"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";
import { formatDate, formatDateTime } from "../format";
import { ConfirmButton } from "../ui/confirm-button";
import { DialogActions, Modal } from "../ui/modal";
import { NeedsRole, QueryView } from "../ui/status";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";
import { DataTable } from "../ui/data-table";

type Secret = RouterOutputs["secret"]["list"][number];

/** Secrets: names and dates for editors; admins create, rotate and delete. Values are write-only. */
export function SecretsSettings() {
  const { role } = useWorkspace();
  const canManage = hasRole(role, "admin");
  return (
    <>
      {canManage ? <CreateSecretForm /> : null}
      <SecretList canManage={canManage} />
    </>
  );
}

function CreateSecretForm() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<string>();
  const create = useMutation(
    trpc.secret.create.mutationOptions({
      onSuccess: (secret) => {
        setCreated(secret.name);
        return queryClient.invalidateQueries({ queryKey: trpc.secret.list.queryKey() });
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
      { workspaceId: workspace.id, name: String(form.get("name") ?? "").trim(), value: String(form.get("value") ?? "") },
      // The value leaves the page with the form: nothing keeps it after it is stored.
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <section className="card" aria-labelledby="create-secret-heading">
      <div className="card-header">
        <div>
          <h2 id="create-secret-heading">Add a secret</h2>
          <p className="muted">
            Workflows read a secret as <code>{"{{ secrets.NAME }}"}</code>. Values are encrypted at rest, masked in run data and logs, and never shown again
            after you save them.
          </p>
        </div>
      </div>
      {created ? (
        <div className="alert success before" role="status">
          <strong>Secret “{created}” saved.</strong> Its value is stored encrypted and cannot be read back; rotate it to replace it.
        </div>
      ) : null}
      <form className="stack narrow" onSubmit={onSubmit} noValidate aria-labelledby="create-secret-heading">
        {failure && !failure.fieldErrors.name && !failure.fieldErrors.value ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <Field
          label="Name"
          name="name"
          placeholder="STRIPE_API_KEY"
          maxLength={128}
          required
          autoComplete="off"
          spellCheck={false}
          hint="Letters, digits and underscores, not starting with a digit."
          errors={failure?.fieldErrors.name}
        />
        <Field
          label="Value"
          name="value"
          type="password"
          required
          autoComplete="new-password"
          spellCheck={false}
          hint="Write-only: once saved it is never displayed."
          errors={failure?.fieldErrors.value}
        />
        <div>
          <button className="button primary" type="submit" disabled={create.isPending}>
            {create.isPending ? "Saving…" : "Add secret"}
          </button>
        </div>
      </form>
    </section>
  );
}

function SecretList({ canManage }: { canManage: boolean }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secret.list.queryOptions({ workspaceId: workspace.id }));
  const remove = useMutation(
    trpc.secret.delete.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.secret.list.queryKey() }),
    }),
  );
  const [rotating, setRotating] = useState<Secret>();

  return (
    <section className="card" aria-labelledby="secrets-heading">
      <div className="card-header">
        <div>
          <h2 id="secrets-heading">Secrets</h2>
          <p className="muted">Only names and dates are shown. Deleting a secret breaks the workflows that still refer to it.</p>
        </div>
      </div>
      {canManage ? null : <NeedsRole role="admin" action="add, rotate or delete secrets" />}
      <QueryView query={secrets} loading="Loading secrets…" what="secrets" isEmpty={(data) => data.length === 0} empty={<p className="empty">No secrets yet.{canManage ? " Add one above to use API keys and passwords in workflows." : ""}</p>}>
        {(data) => (
          <DataTable columns={["Name", "Use as", "Created", "Last rotated"]} actions="Actions">
            {data.map((secret) => (
              <tr key={secret.id}>
                <td className="strong nowrap mono">{secret.name}</td>
                <td className="nowrap">
                  <code>{`{{ secrets.${secret.name} }}`}</code>
                </td>
                <td className="nowrap">
                  <time dateTime={secret.createdAt.toISOString()} title={formatDateTime(secret.createdAt)}>
                    {formatDate(secret.createdAt)}
                  </time>
                </td>
                <td className="nowrap">
                  {secret.rotatedAt ? (
                    <time dateTime={secret.rotatedAt.toISOString()} title={formatDateTime(secret.rotatedAt)}>
                      {formatDateTime(secret.rotatedAt)}
                    </time>
                  ) : (
                    <span className="muted">never</span>
                  )}
                </td>
                <td className="actions">
                  {canManage ? (
                    <span className="row end">
                      <button type="button" className="button small" aria-label={`Rotate ${secret.name}`} onClick={() => setRotating(secret)}>
                        Rotate
                      </button>
                      <ConfirmButton
                        label={`Delete ${secret.name}`}
                        title="Delete secret?"
                        description={
                          <p>
                            Workflows that use <code>{`{{ secrets.${secret.name} }}`}</code> will fail until a secret with that name exists again. This cannot be
                            undone.
                          </p>
                        }
                        confirmLabel="Delete secret"
                        onConfirm={() => remove.mutateAsync({ workspaceId: workspace.id, secretId: secret.id })}
                      >
                        Delete
                      </ConfirmButton>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      <RotateSecretDialog secret={rotating} onClose={() => setRotating(undefined)} />
    </section>
  );
}

function RotateSecretDialog({ secret, onClose }: { secret: Secret | undefined; onClose: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rotate = useMutation(
    trpc.secret.rotate.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.secret.list.queryKey() });
        onClose();
      },
    }),
  );
  const failure = rotate.error ? formError(rotate.error) : undefined;

  function close() {
    rotate.reset();
    onClose();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!secret) return;
    const form = new FormData(event.currentTarget);
    rotate.mutate({ workspaceId: workspace.id, secretId: secret.id, value: String(form.get("value") ?? "") });
  }

  return (
    <Modal
      open={secret !== undefined}
      onClose={close}
      title={`Rotate ${secret?.name ?? "secret"}`}
      description={<p>The new value replaces the old one at once; runs started from now on use it. Workflows keep the same name.</p>}
    >
      <form className="stack" onSubmit={onSubmit} noValidate aria-label={`Rotate ${secret?.name ?? "secret"}`}>
        {failure && !failure.fieldErrors.value ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <Field label="New value" name="value" type="password" required autoFocus autoComplete="new-password" spellCheck={false} errors={failure?.fieldErrors.value} />
        <DialogActions onCancel={close}>
          <button type="submit" className="button primary" disabled={rotate.isPending}>
            {rotate.isPending ? "Rotating…" : "Rotate secret"}
          </button>
        </DialogActions>
      </form>
    </Modal>
  );
}
