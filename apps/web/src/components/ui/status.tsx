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

/** The parts of a react-query result that `QueryView` reads. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => Promise<unknown>;
}

/**
 * A query's three states before its content: `Loading` while pending, `QueryError` with a retry when it failed,
 * then `empty` if `isEmpty` says there is nothing to show, else `children` with the data.
 */
export function QueryView<T>({
  query,
  loading,
  what,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  loading: ReactNode;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading>{loading}</Loading>;
  if (query.isError) return <QueryError error={query.error} what={what} onRetry={() => void query.refetch()} />;
  // Neither pending nor failed: react-query's success state, where data is set.
  const data = query.data as T;
  if (isEmpty?.(data)) return <>{empty}</>;
  return <>{children(data)}</>;
}

/** "You need the admin role" (or editor, owner) for pages and sections the caller's role does not reach. */
export function NeedsRole({ role, action }: { role: "editor" | "admin" | "owner"; action: string }) {
  return (
    <div className="alert info" role="note">
      <strong>You need the {role} role</strong> to {action}. Ask an owner of this workspace if you need access.
    </div>
  );
}
