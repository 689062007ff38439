"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";

export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.workspace.create.mutationOptions({
      onSuccess: async (workspace) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        router.push(`/w/${workspace.slug}`);
      },
    }),
  );
  const failure = create.error ? formError(create.error) : undefined;
  const busy = create.isPending || create.isSuccess;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name") ?? "") });
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label="Create workspace">
      {failure && !failure.fieldErrors.name ? (
        <div className="alert error" role="alert">
          {failure.message}
        </div>
      ) : null}
      <Field
        label="Workspace name"
        name="name"
        placeholder="e.g. Acme Operations"
        maxLength={80}
        required
        autoFocus
        autoComplete="organization"
        errors={failure?.fieldErrors.name}
      />
      <button className="button primary" type="submit" disabled={busy}>
        {busy ? "Creating workspace…" : "Create workspace"}
      </button>
    </form>
  );
}
