import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { WorkflowEditor } from "~/components/editor/workflow-editor";
import { hasRole } from "~/components/workspace/roles";
import { orNotFound, serverCaller } from "~/server/caller";
import { loadWorkspace } from "../../load-workspace";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string; workflowId: string }> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workflow with its draft, once per request; an unknown or malformed id is the 404 page. */
const loadWorkflow = cache(async (slug: string, workflowId: string) => {
  const workspace = await loadWorkspace(slug);
  if (!UUID.test(workflowId)) notFound();
  const caller = await serverCaller();
  const workflow = await orNotFound(caller.workflow.get({ workspaceId: workspace.id, workflowId }));
  return { workspace, workflow, caller };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, workflowId } = await params;
  const { workflow } = await loadWorkflow(slug, workflowId);
  return { title: workflow.name };
}

export default async function WorkflowEditorPage({ params }: Props) {
  const { slug, workflowId } = await params;
  const { workspace, workflow, caller } = await loadWorkflow(slug, workflowId);
  const nodeTypes = await caller.nodeType.list({ workspaceId: workspace.id });
  return <WorkflowEditor key={workflow.id} workflow={workflow} nodeTypes={nodeTypes} canEdit={hasRole(workspace.role, "editor")} />;
}
