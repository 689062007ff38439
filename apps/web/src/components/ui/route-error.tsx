"use client";

import Link from "next/link";
import { useEffect } from "react";

/** The body of an `error.tsx` boundary: what happened, a retry, and a way out. */
export function RouteError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest ?? "") : "";
  return (
    <div className="stack" role="alert">
      <h1>Something went wrong</h1>
      <p className="muted">
        This page could not be loaded. Try again; if it keeps failing, check the server log
        {digest ? (
          <>
            {" "}
            for the reference <code>{digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="row">
        <button type="button" className="button primary" onClick={() => retry()}>
          Try again
        </button>
        <Link className="button" href="/">
          Go to your workspaces
        </Link>
      </div>
    </div>
  );
}
