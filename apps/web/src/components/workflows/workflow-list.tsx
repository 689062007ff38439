"use client";

import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useState } from "react";
import type { RouterOutputs } from "@trellis/api";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { Icon } from "../editor/icons";
import { formatDateTime, timeFromNow } from "../format";
import { RunStatusBadge } from "../runs/run-status";
import { ConfirmButton } from "../ui/confirm-button";
import { QueryView } from "../ui/status";
import { workspacePaths } from "../workspace/links";
import { useWorkspace } from "../workspace/workspace-context";
import { ImportDialog } from "./import-dialog";
import { NewWorkflowDialog } from "./new-workflow-dialog";
import { TemplateDialog } from "./template-dialog";
import { LoadMore } from "../ui/load-more";
import { DataTable } from "../ui/data-table";

type WorkflowSummary = RouterOutputs["workflow"]["list"]["items"][number];

function Status({ workflow }: { workflow: WorkflowSummary }) {
  if (!workflow.latestVersion) return <span className="badge">Draft</span>;
  if (workflow.hasUnpublishedChanges) {
    return (
      <span className="badge warning" title="The draft has changes that are not published yet">
        v{workflow.latestVersion.number} · changes
      </span>
    );
  }
  return <span className="badge success">Published v{workflow.latestVersion.number}</span>;
}

/** The workspace's workflows: search, create (blank, template, import), duplicate, delete. */
export function WorkflowList({ canEdit }: { canEdit: boolean }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const searchId = useId();
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<"new" | "template" | "import" | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);

  // Paged by hand: the procedure's `direction` (sort order) shares its name
  // with the field tRPC's infinite queries add ("forward"), which it refuses.
  const listInput = { workspaceId: workspace.id, search: query || undefined, limit: 25 };
  const list = useInfiniteQuery({
    queryKey: [...trpc.workflow.list.queryKey(listInput), "pages"],
    queryFn: ({ pageParam }) => client.workflow.list.query({ ...listInput, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
  const duplicate = useMutation(trpc.workflow.duplicate.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.workflow.delete.mutationOptions({ onSettled: invalidate }));
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const now = list.dataUpdatedAt;
  const base = `/w/${workspace.slug}/workflows`;

  const createButtons = canEdit ? (
    <div className="row wrap">
      <button type="button" className="button" onClick={() => setDialog("import")}>
        <Icon name="file" size={15} /> Import JSON
      </button>
      <button type="button" className="button" onClick={() => setDialog("template")}>
        <Icon name="layers" size={15} /> From a template
      </button>
      <button type="button" className="button primary" onClick={() => setDialog("new")}>
        <Icon name="plus" size={15} /> New workflow
      </button>
    </div>
  ) : null;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Workflows</h1>
          <p className="muted">Drafts save as you edit; runs use the published version.</p>
        </div>
        <span className="spacer" />
        {createButtons}
      </div>

      <section className="card" aria-labelledby="workflows-heading">
        <h2 id="workflows-heading" className="sr-only">
          All workflows
        </h2>
        <div className="list-toolbar">
          <label htmlFor={searchId} className="sr-only">
            Search workflows
          </label>
          <div className="search-field">
            <Icon name="search" size={14} />
            <input id={searchId} className="input" type="search" placeholder="Search by name" value={search} onChange={(event) => setSearch(event.target.value)} />
          </div>
          {list.isFetching && !list.isPending ? <span className="spinner" aria-hidden /> : null}
        </div>
        <QueryView
          query={list}
          loading="Loading workflows…"
          what="workflows"
          isEmpty={() => items.length === 0}
          empty={
            query ? (
              <p className="empty">No workflow’s name contains “{query}”.</p>
            ) : (
              <div className="empty empty-state">
                <span className="empty-icon" aria-hidden>
                  <Icon name="workflow" size={26} />
                </span>
                <h3>No workflows yet</h3>
                <p className="muted">
                  {canEdit
                    ? "Start from a blank canvas, from one of the templates, or by importing a workflow exported as JSON."
                    : "Editors of this workspace have not created any workflow yet."}
                </p>
                {createButtons}
              </div>
            )
          }
        >
          {() => (
            <DataTable columns={["Name", "Status", "Last run", "Last updated"]} actions="Actions" className="workflow-table">
              {items.map((workflow) => (
                <tr key={workflow.id}>
                  <td>
                    <Link href={`${base}/${workflow.id}`} className="workflow-link">
                      {workflow.name}
                    </Link>
                    {workflow.description ? <p className="muted small workflow-description">{workflow.description}</p> : null}
                  </td>
                  <td>
                    <Status workflow={workflow} />
                  </td>
                  <td className="nowrap">
                    <LastRun workflow={workflow} slug={workspace.slug} now={now} />
                  </td>
                  <td className="nowrap">
                    <time dateTime={workflow.updatedAt.toISOString()} title={formatDateTime(workflow.updatedAt)}>
                      {timeFromNow(workflow.updatedAt, now)}
                    </time>
                  </td>
                  <td className="actions">
                    {canEdit ? (
                      <>
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Duplicate ${workflow.name}`}
                          disabled={duplicate.isPending}
                          onClick={() => duplicate.mutate({ workspaceId: workspace.id, workflowId: workflow.id })}
                        >
                          Duplicate
                        </button>{" "}
                        <ConfirmButton
                          label={`Delete ${workflow.name}`}
                          title="Delete workflow?"
                          description={
                            <p>
                              “{workflow.name}” and its schedules stop; past runs stay in the run history. This cannot be undone from the app.
                            </p>
                          }
                          confirmLabel="Delete workflow"
                          onConfirm={() => remove.mutateAsync({ workspaceId: workspace.id, workflowId: workflow.id })}
                        >
                          Delete
                        </ConfirmButton>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </QueryView>
        {duplicate.isError ? (
          <div className="alert error" role="alert">
            Could not duplicate: {duplicate.error.message}
          </div>
        ) : null}
        <LoadMore query={list} />
      </section>

      <NewWorkflowDialog open={dialog === "new"} onClose={() => setDialog(null)} />
      <TemplateDialog open={dialog === "template"} onClose={() => setDialog(null)} />
      <ImportDialog open={dialog === "import"} onClose={() => setDialog(null)} />
    </>
  );
}

/** The workflow's most recent run: its result, linking to the run inspector. */
function LastRun({ workflow, slug, now }: { workflow: WorkflowSummary; slug: string; now: number }) {
  const run = workflow.lastRun;
  if (!run) return <span className="muted">Never run</span>;
  return (
    <Link href={workspacePaths.run(slug, run.id)} className="last-run-link" aria-label={`Last run of ${workflow.name}: ${run.status}`}>
      <RunStatusBadge status={run.status} />
      {run.finishedAt ? (
        <>
          {" "}
          <time className="muted small" dateTime={run.finishedAt.toISOString()} title={formatDateTime(run.finishedAt)}>
            {timeFromNow(run.finishedAt, now)}
          </time>
        </>
      ) : null}
    </Link>
  );
}
