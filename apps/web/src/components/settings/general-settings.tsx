"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";
import { ConfirmButton } from "../ui/confirm-button";
import { NeedsRole } from "../ui/status";
import { hasRole, roleLabel } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";

export function GeneralSettings({ personal }: { personal: boolean }) {
  const workspace = useWorkspace();
  return (
    <>
      <DetailsSection personal={personal} />
      <LeaveSection />
      {workspace.role === "owner" ? <DeleteSection /> : null}
    </>
  );
}

function DetailsSection({ personal }: { personal: boolean }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.workspace.update.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        router.refresh();
      },
    }),
  );
  const canEdit = hasRole(workspace.role, "admin");
  const failure = update.error ? formError(update.error) : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSaved(false);
    update.mutate({ workspaceId: workspace.id, name: String(form.get("name") ?? "") });
  }

  return (
    <section className="card" aria-labelledby="general-heading">
      <div className="card-header">
        <div>
          <h2 id="general-heading">General</h2>
          <p className="muted">
            {personal ? "Your personal workspace. " : ""}Its address is <code>/w/{workspace.slug}</code>; renaming keeps it.
          </p>
        </div>
      </div>
      {canEdit ? (
        <form className="stack narrow" onSubmit={onSubmit} noValidate aria-label="Workspace details">
          {failure && !failure.fieldErrors.name ? (
            <div className="alert error" role="alert">
              {failure.message}
            </div>
          ) : null}
          {saved && !update.isPending ? (
            <div className="alert success" role="status">
              Changes saved.
            </div>
          ) : null}
          <Field
            label="Workspace name"
            name="name"
            defaultValue={workspace.name}
            required
            maxLength={80}
            errors={failure?.fieldErrors.name}
          />
          <div>
            <button className="button primary" type="submit" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save changes"}
            </button>
          </div>
        </form>
      ) : (
        <div className="stack">
          <dl className="details">
            <dt>Name</dt>
            <dd>{workspace.name}</dd>
            <dt>Your role</dt>
            <dd>{roleLabel[workspace.role]}</dd>
          </dl>
          <NeedsRole role="admin" action="change these settings" />
        </div>
      )}
    </section>
  );
}

function LeaveSection() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const leave = useMutation(trpc.member.leave.mutationOptions());

  async function onConfirm() {
    await leave.mutateAsync({ workspaceId: workspace.id });
    await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
    router.replace("/");
  }

  return (
    <section className="card" aria-labelledby="leave-heading">
      <div className="card-header">
        <div>
          <h2 id="leave-heading">Leave workspace</h2>
          <p className="muted">
            You lose access to {workspace.name} until someone invites you again.
            {workspace.role === "owner" ? " The last owner cannot leave: make someone else an owner first." : ""}
          </p>
        </div>
        <ConfirmButton
          className="button danger"
          title={`Leave ${workspace.name}?`}
          description={<p>You will lose access to its workflows and runs. An admin can invite you again later.</p>}
          confirmLabel="Leave"
          onConfirm={onConfirm}
        >
          Leave workspace
        </ConfirmButton>
      </div>
    </section>
  );
}

function DeleteSection() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const remove = useMutation(
    trpc.workspace.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        router.replace("/");
      },
    }),
  );
  const matches = typed.trim() === workspace.name.trim();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (matches) remove.mutate({ workspaceId: workspace.id });
  }

  return (
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete workspace</h2>
      <p className="muted">
        Permanently deletes <strong>{workspace.name}</strong> with its workflows, runs, members, invites and API keys. This
        cannot be undone.
      </p>
      <form className="stack narrow" onSubmit={onSubmit} aria-label="Delete workspace">
        {remove.error ? (
          <div className="alert error" role="alert">
            {formError(remove.error).message}
          </div>
        ) : null}
        <Field
          label={`Type "${workspace.name}" to confirm`}
          name="confirmName"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
        />
        <div>
          <button className="button danger-solid" type="submit" disabled={!matches || remove.isPending || remove.isSuccess}>
            {remove.isPending || remove.isSuccess ? "Deleting…" : "Delete workspace"}
          </button>
        </div>
      </form>
    </section>
  );
}
