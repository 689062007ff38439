"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useMemo } from "react";
import { useTRPC } from "~/trpc/react";
import { useWorkspace } from "../workspace/workspace-context";
import { DeadLetters } from "./dead-letters";
import { parseRunFilters, runFiltersQuery, TIME_RANGES, type RunFilters } from "./lib/run-filters";
import { RUN_STATUSES, statusLabel, TRIGGER_KINDS, triggerLabel } from "./lib/run-format";
import { RunsTable } from "./runs-table";
import "./runs.css";

/** The workspace's workflows by id, for names in lists and the workflow filter. */
export function useWorkflowNames() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const workflows = useQuery(trpc.workflow.list.queryOptions({ workspaceId: workspace.id, sort: "name", limit: 100 }));
  const names = useMemo(() => new Map((workflows.data?.items ?? []).map((w) => [w.id, w.name])), [workflows.data]);
  return { workflows: workflows.data?.items ?? [], names, isPending: workflows.isPending };
}

/** Runs of the workspace (filtered, paged, live) and the dead-letter list, in two tabs. */
export function RunsPage({ canEdit }: { canEdit: boolean }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const tab = params.get("tab") === "dead-letters" ? "dead-letters" : "runs";
  const filters = useMemo(() => parseRunFilters(params), [params]);
  const { workflows, names } = useWorkflowNames();
  const ids = { workflow: useId(), status: useId(), trigger: useId(), range: useId() };

  const setFilters = (next: RunFilters) => router.replace(`${pathname}${runFiltersQuery(next, tab === "dead-letters" ? tab : undefined)}`, { scroll: false });
  const set = <K extends keyof RunFilters>(key: K, value: string) => setFilters({ ...filters, [key]: value || undefined });
  const filtered = Boolean(filters.workflowId || filters.status || filters.trigger || filters.range);
  // A workflow named in the address but missing from the first 100 still shows as an option.
  const workflowOptions = filters.workflowId && !names.has(filters.workflowId) ? [...workflows, { id: filters.workflowId, name: "Selected workflow" }] : workflows;

  return (
    <div className="runs-page">
      <div className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="muted">Every run of this workspace’s workflows, updated live. Open one to see what each node did.</p>
        </div>
      </div>

      <nav className="runs-tabs" aria-label="Run lists">
        <Link href={`${pathname}${runFiltersQuery({ ...filters })}`} aria-current={tab === "runs" ? "page" : undefined} scroll={false}>
          All runs
        </Link>
        <Link href={`${pathname}${runFiltersQuery({ workflowId: filters.workflowId }, "dead-letters")}`} aria-current={tab === "dead-letters" ? "page" : undefined} scroll={false}>
          Dead letters
        </Link>
      </nav>

      <section className="card runs-card" aria-labelledby="runs-heading">
        <h2 id="runs-heading" className="sr-only">
          {tab === "runs" ? "All runs" : "Dead letters"}
        </h2>
        <form className="runs-filters" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
          <label htmlFor={ids.workflow} className="runs-filter">
            <span>Workflow</span>
            <select id={ids.workflow} className="input" value={filters.workflowId ?? ""} onChange={(event) => set("workflowId", event.target.value)}>
              <option value="">All workflows</option>
              {workflowOptions.map((workflow) => (
                <option key={workflow.id} value={workflow.id}>
                  {workflow.name}
                </option>
              ))}
            </select>
          </label>
          {tab === "runs" ? (
            <>
              <label htmlFor={ids.status} className="runs-filter">
                <span>Status</span>
                <select id={ids.status} className="input" value={filters.status ?? ""} onChange={(event) => set("status", event.target.value)}>
                  <option value="">Any status</option>
                  {RUN_STATUSES.map((status) => (
                    <option key={status} value={status}>
                      {statusLabel[status]}
                    </option>
                  ))}
                </select>
              </label>
              <label htmlFor={ids.trigger} className="runs-filter">
                <span>Trigger</span>
                <select id={ids.trigger} className="input" value={filters.trigger ?? ""} onChange={(event) => set("trigger", event.target.value)}>
                  <option value="">Any trigger</option>
                  {TRIGGER_KINDS.map((trigger) => (
                    <option key={trigger} value={trigger}>
                      {triggerLabel[trigger]}
                    </option>
                  ))}
                </select>
              </label>
              <label htmlFor={ids.range} className="runs-filter">
                <span>Created</span>
                <select id={ids.range} className="input" value={filters.range ?? ""} onChange={(event) => set("range", event.target.value)}>
                  <option value="">Any time</option>
                  {TIME_RANGES.map((range) => (
                    <option key={range.id} value={range.id}>
                      {range.label}
                    </option>
                  ))}
                </select>
              </label>
            </>
          ) : null}
          {filtered ? (
            <button type="button" className="button small ghost runs-clear" onClick={() => setFilters({})}>
              Clear filters
            </button>
          ) : null}
        </form>

        {tab === "runs" ? (
          // Keyed by the filters: a new filter starts from its first page with nothing selected.
          <RunsTable key={runFiltersQuery(filters)} filters={filters} canEdit={canEdit} onClearFilters={filtered ? () => setFilters({}) : undefined} />
        ) : (
          <DeadLetters key={filters.workflowId ?? "all"} workflowId={filters.workflowId} canEdit={canEdit} names={names} />
        )}
      </section>
    </div>
  );
}
