"use client";

import { RouteError } from "~/components/ui/route-error";

export default function WorkspaceError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="card error-card">
      <RouteError error={error} retry={retry} />
    </div>
  );
}
