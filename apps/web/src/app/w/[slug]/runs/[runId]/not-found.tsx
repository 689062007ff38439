"use client";

import Link from "next/link";
import { useWorkspace } from "~/components/workspace/workspace-context";

/** An unknown run id, a malformed one, or a run of another workspace (which answers the same, on purpose). */
export default function RunNotFound() {
  const { slug } = useWorkspace();
  return (
    <div className="card empty empty-state run-missing" role="alert">
      <h1>Run not found</h1>
      <p className="muted">There is no such run in this workspace. It may have been deleted, or removed by the retention policy.</p>
      <Link className="button" href={`/w/${slug}/runs`}>
        Back to runs
      </Link>
    </div>
  );
}
