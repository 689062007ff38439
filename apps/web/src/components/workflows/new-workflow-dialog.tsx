"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";
import { DialogActions, Modal } from "../ui/modal";
import { useWorkspace } from "../workspace/workspace-context";

/** Names a new workflow (which starts with a manual trigger) and opens it. */
export function NewWorkflowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.workflow.create.mutationOptions({
      onSuccess: async (workflow) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
        router.push(`/w/${workspace.slug}/workflows/${workflow.id}`);
      },
    }),
  );
  const failure = create.error ? formError(create.error) : undefined;
  const busy = create.isPending || create.isSuccess;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ workspaceId: workspace.id, name: String(form.get("name") ?? ""), description: String(form.get("description") ?? "") });
  }

  return (
    <Modal open={open} onClose={onClose} title="New workflow" description="It starts with a manual trigger; add nodes from the palette.">
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="New workflow">
        {failure && !failure.fieldErrors.name ? (
          <div className="alert error" role="alert">
            {failure.message}
          </div>
        ) : null}
        <Field label="Name" name="name" placeholder="e.g. Route new orders" maxLength={120} required autoFocus autoComplete="off" errors={failure?.fieldErrors.name} />
        <Field label="Description" name="description" placeholder="Optional" maxLength={2000} autoComplete="off" errors={failure?.fieldErrors.description} />
        <DialogActions onCancel={onClose}>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Creating…" : "Create and open"}
          </button>
        </DialogActions>
      </form>
    </Modal>
  );
}
