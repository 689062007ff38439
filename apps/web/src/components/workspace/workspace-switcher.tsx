"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { RouterOutputs } from "@trellis/api";
import { useTRPC } from "~/trpc/react";
import { roleLabel } from "./roles";
import { useWorkspace } from "./workspace-context";

type WorkspaceSummary = RouterOutputs["workspace"]["list"][number];

function Monogram({ name }: { name: string }) {
  return (
    <span className="ws-avatar" aria-hidden>
      {name.trim().charAt(0).toUpperCase() || "?"}
    </span>
  );
}

/**
 * The current workspace and its role; opens a list of the caller's workspaces
 * (a disclosure of links, so Tab, Enter and Escape are all it takes).
 */
export function WorkspaceSwitcher({ initialWorkspaces }: { initialWorkspaces: WorkspaceSummary[] }) {
  const current = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspaces = useQuery(trpc.workspace.list.queryOptions(undefined, { initialData: initialWorkspaces }));
  // The layout's list is the freshest there is (rendered for this request):
  // it replaces whatever an earlier workspace page left in the cache.
  useEffect(() => {
    queryClient.setQueryData(trpc.workspace.list.queryKey(), initialWorkspaces);
  }, [queryClient, trpc, initialWorkspaces]);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    function onPointerDown(event: PointerEvent) {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape" && open) {
      event.stopPropagation();
      setOpen(false);
      button.current?.focus();
    }
  }

  const list = workspaces.data ?? [];
  return (
    <div
      className="switcher"
      ref={root}
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (open && !root.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        className="switcher-button"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="sr-only">Switch workspace (current: </span>
        <Monogram name={current.name} />
        <span className="switcher-name">{current.name}</span>
        <span className="sr-only">, </span>
        <span className="badge">{roleLabel[current.role]}</span>
        <span className="sr-only">)</span>
        <svg className="chevron" width="12" height="12" viewBox="0 0 12 12" aria-hidden>
          <path d="M3 4.5 6 7.5 9 4.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>
      {open ? (
        <div className="switcher-menu" id={menuId}>
          <p className="menu-label" id={`${menuId}-label`}>
            Your workspaces
          </p>
          {workspaces.isError ? (
            <p className="menu-note" role="alert">
              Could not load your workspaces.
            </p>
          ) : null}
          <ul aria-labelledby={`${menuId}-label`}>
            {list.map((workspace) => {
              const isCurrent = workspace.id === current.id;
              return (
                <li key={workspace.id}>
                  <Link href={`/w/${workspace.slug}`} aria-current={isCurrent ? "true" : undefined} onClick={() => setOpen(false)}>
                    <Monogram name={workspace.name} />
                    <span className="switcher-item-name">{workspace.name}</span>
                    <span className="switcher-item-meta">
                      {workspace.personal ? "Personal · " : ""}
                      {roleLabel[workspace.role]}
                    </span>
                    {isCurrent ? (
                      <svg className="check-mark" width="14" height="14" viewBox="0 0 14 14" aria-label="current">
                        <path d="m3 7.5 2.5 2.5L11 4.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
                      </svg>
                    ) : null}
                  </Link>
                </li>
              );
            })}
          </ul>
          <hr />
          <Link href="/workspaces/new" onClick={() => setOpen(false)}>
            <span className="ws-avatar plus" aria-hidden>
              +
            </span>
            Create workspace
          </Link>
        </div>
      ) : null}
    </div>
  );
}
