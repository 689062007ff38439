import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache, Suspense } from "react";
import { RunInspector } from "~/components/runs/run-inspector";
import { Loading } from "~/components/ui/status";
import { hasRole } from "~/components/workspace/roles";
import { orNotFound, serverCaller } from "~/server/caller";
import { loadWorkspace } from "../../load-workspace";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string; runId: string }> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The run, once per request; an unknown or malformed id (or another workspace's run) renders not-found.tsx. */
const loadRun = cache(async (slug: string, runId: string) => {
  const workspace = await loadWorkspace(slug);
  if (!UUID.test(runId)) notFound();
  const caller = await serverCaller();
  const run = await orNotFound(caller.run.get({ workspaceId: workspace.id, runId }));
  return { workspace, run, caller };
});

type Caller = Awaited<ReturnType<typeof serverCaller>>;

/**
 * The version a run is pinned to, by id: versions are addressed by number, so
 * the workflow's history is paged until the id turns up. Null when the
 * workflow is gone (the run's page still shows its data, without the graph).
 */
async function pinnedVersion(caller: Caller, workspaceId: string, workflowId: string, versionId: string) {
  let cursor: string | undefined;
  try {
    for (let page = 0; page < 50; page++) {
      const versions = await caller.workflowVersion.list({ workspaceId, workflowId, limit: 100, cursor });
      const match = versions.items.find((version) => version.id === versionId);
      if (match) return await caller.workflowVersion.get({ workspaceId, workflowId, number: match.number });
      if (!versions.nextCursor) return null;
      cursor = versions.nextCursor;
    }
  } catch {
    // The workflow was deleted or is no longer readable: no graph, the rest of the run still shows.
  }
  return null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, runId } = await params;
  const { run } = await loadRun(slug, runId);
  return { title: `Run ${run.id.slice(0, 8)} · ${run.workflowName}` };
}

/**
 * No Suspense boundary (loading.tsx) encloses this page: the run is loaded
 * before anything is sent, so an unknown run answers HTTP 404 rather than a
 * 200 whose streamed body says "not found". What else the inspector needs
 * streams in under the boundary below, once the run is known to exist.
 */
export default async function RunInspectorPage({ params }: Props) {
  const { slug, runId } = await params;
  await loadRun(slug, runId);
  return (
    <Suspense fallback={<Loading>Loading run…</Loading>}>
      <LoadedRunInspector slug={slug} runId={runId} />
    </Suspense>
  );
}

async function LoadedRunInspector({ slug, runId }: { slug: string; runId: string }) {
  const { workspace, run, caller } = await loadRun(slug, runId);
  const [version, nodeTypes] = await Promise.all([pinnedVersion(caller, workspace.id, run.workflowId, run.versionId), caller.nodeType.list({ workspaceId: workspace.id })]);
  return (
    <RunInspector
      key={run.id}
      initialRun={run}
      version={version ? { number: version.number, definition: version.definition } : null}
      nodeTypes={nodeTypes}
      canEdit={hasRole(workspace.role, "editor")}
    />
  );
}
