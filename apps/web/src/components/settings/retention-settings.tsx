"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Field } from "../field";
import { plural } from "../format";
import { NeedsRole } from "../ui/status";
import { hasRole } from "../workspace/roles";
import { useWorkspace } from "../workspace/workspace-context";

/**
 * The run-retention setting (`workspaces.run_retention_days`): the runtime's
 * hourly retention job deletes finished runs older than it, with their steps
 * and events.
 */
export function RetentionSettings({ runRetentionDays }: { runRetentionDays: number }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const [saved, setSaved] = useState<number>();
  const update = useMutation(
    trpc.workspace.update.mutationOptions({
      onSuccess: (updated) => {
        setSaved(updated.runRetentionDays);
        router.refresh();
      },
    }),
  );
  const canEdit = hasRole(workspace.role, "admin");
  const failure = update.error ? formError(update.error) : undefined;
  const current = saved ?? runRetentionDays;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get("runRetentionDays") ?? "").trim();
    setSaved(undefined);
    // An empty or non-numeric entry reaches the server as NaN and is refused there with its message.
    update.mutate({ workspaceId: workspace.id, runRetentionDays: raw === "" ? Number.NaN : Number(raw) });
  }

  return (
    <section className="card" aria-labelledby="retention-heading">
      <div className="card-header">
        <div>
          <h2 id="retention-heading">Run retention</h2>
          <p className="muted">
            Finished runs (succeeded, failed or cancelled) are kept for <strong>{plural(current, "day")}</strong>, then deleted with their steps, events and
            data by a job that runs every hour. Runs still running, waiting or sleeping are never deleted.
          </p>
        </div>
      </div>
      {canEdit ? (
        <form className="stack narrow" onSubmit={onSubmit} noValidate aria-label="Run retention">
          {failure && !failure.fieldErrors.runRetentionDays ? (
            <div className="alert error" role="alert">
              {failure.message}
            </div>
          ) : null}
          {saved !== undefined && !update.isPending ? (
            <div className="alert success" role="status">
              Runs are now kept for {plural(saved, "day")}.
            </div>
          ) : null}
          <Field
            label="Keep finished runs for (days)"
            name="runRetentionDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            defaultValue={runRetentionDays}
            required
            hint="1 to 3650. Shortening it deletes older runs at the job's next pass."
            errors={failure?.fieldErrors.runRetentionDays}
          />
          <div>
            <button className="button primary" type="submit" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save retention"}
            </button>
          </div>
        </form>
      ) : (
        <NeedsRole role="admin" action="change how long runs are kept" />
      )}
    </section>
  );
}
