"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

/** Joins the workspace, then opens it. */
export function AcceptInvite({ token, disabled }: { token: string; disabled?: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const accept = useMutation(
    trpc.invite.accept.mutationOptions({
      onSuccess: async (joined) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        router.push(`/w/${joined.slug}`);
      },
    }),
  );
  const busy = accept.isPending || accept.isSuccess;
  return (
    <div className="stack">
      {accept.error ? (
        <div className="alert error" role="alert">
          {formError(accept.error).message}
        </div>
      ) : null}
      <button
        type="button"
        className="button primary"
        disabled={disabled || busy}
        onClick={() => accept.mutate({ token })}
      >
        {busy ? "Joining…" : "Accept invite"}
      </button>
    </div>
  );
}
