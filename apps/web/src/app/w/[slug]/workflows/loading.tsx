import { Loading } from "~/components/ui/status";

// The workspace's own loading.tsx moved into (home) so the run inspector can answer a real 404 (see runs/[runId]/page.tsx).
export default function WorkflowsLoading() {
  return <Loading>Loading workflows…</Loading>;
}
