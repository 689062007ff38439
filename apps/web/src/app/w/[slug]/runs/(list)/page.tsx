import type { Metadata } from "next";
import { Suspense } from "react";
import { RunsPage } from "~/components/runs/runs-page";
import { Loading } from "~/components/ui/status";
import { hasRole } from "~/components/workspace/roles";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Runs" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function RunsListPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  return (
    // The filters live in the query string, which the list reads on the client.
    <Suspense fallback={<Loading>Loading runs…</Loading>}>
      <RunsPage canEdit={hasRole(workspace.role, "editor")} />
    </Suspense>
  );
}
