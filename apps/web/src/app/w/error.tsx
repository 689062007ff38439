"use client";

import { RouteError } from "~/components/ui/route-error";

/** Failures of the workspace shell itself (its layout), outside the shell. */
export default function WorkspaceShellError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <RouteError error={error} retry={retry} />
      </div>
    </main>
  );
}
