"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "~/trpc/react";
import { useWorkspace } from "../workspace/workspace-context";

/** The workspace's workflows by name (the first 100), for pickers and for naming a target in a table. */
export function useWorkflowOptions() {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const query = useQuery(trpc.workflow.list.queryOptions({ workspaceId: workspace.id, sort: "name", limit: 100 }, { staleTime: 60_000 }));
  const names = useMemo(() => new Map((query.data?.items ?? []).map((w) => [w.id, w.name])), [query.data]);
  return { query, workflows: query.data?.items ?? [], names };
}

interface WorkflowSelectProps {
  id: string;
  name: string;
  defaultValue?: string;
  invalid?: boolean;
  describedBy?: string;
}

/** A <select> of the workspace's workflows; loading and failure are said in its single option. */
export function WorkflowSelect({ id, name, defaultValue, invalid, describedBy }: WorkflowSelectProps) {
  const { query, workflows } = useWorkflowOptions();
  return (
    <select
      id={id}
      className="input"
      name={name}
      defaultValue={defaultValue}
      key={query.isSuccess ? "loaded" : "pending"}
      required
      aria-invalid={invalid}
      aria-describedby={describedBy}
      disabled={!query.isSuccess || workflows.length === 0}
    >
      {query.isPending ? (
        <option value="">Loading workflows…</option>
      ) : query.isError ? (
        <option value="">Could not load workflows</option>
      ) : workflows.length === 0 ? (
        <option value="">No workflows yet</option>
      ) : (
        workflows.map((workflow) => (
          <option key={workflow.id} value={workflow.id}>
            {workflow.name}
            {workflow.latestVersion ? "" : " (not published)"}
          </option>
        ))
      )}
    </select>
  );
}
