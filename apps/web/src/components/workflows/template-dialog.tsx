"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Modal } from "../ui/modal";
import { Loading, QueryError } from "../ui/status";
import { useWorkspace } from "../workspace/workspace-context";

const triggerLabel: Record<string, string> = { "trigger.manual": "Manual", "trigger.webhook": "Webhook", "trigger.schedule": "Schedule" };

/** The built-in templates; choosing one creates an unpublished copy and opens it. */
export function TemplateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const templates = useQuery(trpc.template.list.queryOptions({ workspaceId: workspace.id }, { enabled: open, staleTime: Number.POSITIVE_INFINITY }));
  const create = useMutation(
    trpc.workflow.createFromTemplate.mutationOptions({
      onSuccess: async (workflow) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
        router.push(`/w/${workspace.slug}/workflows/${workflow.id}`);
      },
    }),
  );
  return (
    <Modal open={open} onClose={onClose} title="Start from a template" description="Each one is a complete workflow; fill in its URLs and secrets, then publish." wide>
      {create.error ? (
        <div className="alert error" role="alert">
          {formError(create.error).message}
        </div>
      ) : null}
      {templates.isPending ? (
        <Loading>Loading templates…</Loading>
      ) : templates.isError ? (
        <QueryError error={templates.error} what="templates" onRetry={() => void templates.refetch()} />
      ) : (
        <ul className="template-grid">
          {templates.data.map((template) => (
            <li key={template.id} className="template-card">
              <div className="row">
                <span className="badge accent">{template.category}</span>
                <span className="badge">{triggerLabel[template.triggerType] ?? template.triggerType}</span>
                <span className="spacer" />
                <span className="muted small">{template.nodeCount} nodes</span>
              </div>
              <h3>{template.name}</h3>
              <p className="muted small">{template.description}</p>
              {template.secrets.length > 0 ? (
                <p className="small">
                  Needs secret{template.secrets.length === 1 ? "" : "s"}{" "}
                  {template.secrets.map((name) => (
                    <code key={name}>{name}</code>
                  ))}
                </p>
              ) : null}
              <button
                type="button"
                className="button small"
                aria-label={`Use template ${template.name}`}
                disabled={create.isPending || create.isSuccess}
                onClick={() => create.mutate({ workspaceId: workspace.id, templateId: template.id })}
              >
                {create.isPending && create.variables?.templateId === template.id ? "Creating…" : "Use template"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
