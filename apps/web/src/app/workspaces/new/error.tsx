"use client";

import { RouteError } from "~/components/ui/route-error";

export default function NewWorkspaceError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <RouteError error={error} retry={retry} />
      </div>
    </main>
  );
}
