import type { ReactNode } from "react";
import { formError } from "~/trpc/errors";

/** A polite, announced loading line. */
export function Loading({ children = "Loading…" }: { children?: ReactNode }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden />
      {children}
    </div>
  );
}

/** A failed query, with a way to try again. */
export function QueryError({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  return (
    <div className="alert error row" role="alert">
      <span>
        Could not load {what}: {formError(error).message}
      </span>
      <span className="spacer" />
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** "You need the admin role" (or editor, owner) for pages and sections the caller's role does not reach. */
export function NeedsRole({ role, action }: { role: "editor" | "admin" | "owner"; action: string }) {
  return (
    <div className="alert info" role="note">
      <strong>You need the {role} role</strong> to {action}. Ask an owner of this workspace if you need access.
    </div>
  );
}
