import type { Metadata } from "next";
import { WorkflowList } from "~/components/workflows/workflow-list";
import { hasRole } from "~/components/workspace/roles";
import { loadWorkspace } from "../load-workspace";

export const metadata: Metadata = { title: "Workflows" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function WorkflowsPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  return <WorkflowList canEdit={hasRole(workspace.role, "editor")} />;
}
