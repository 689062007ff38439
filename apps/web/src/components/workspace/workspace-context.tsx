"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Role } from "./roles";

/** The workspace the current page belongs to, and the caller's role in it. */
export interface CurrentWorkspace {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

const WorkspaceContext = createContext<CurrentWorkspace | null>(null);

export function WorkspaceProvider({ value, children }: { value: CurrentWorkspace; children: ReactNode }) {
  return <WorkspaceContext value={value}>{children}</WorkspaceContext>;
}

/** The current workspace; only inside `/w/[slug]`. */
export function useWorkspace(): CurrentWorkspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error("useWorkspace() is only available inside a workspace page");
  return workspace;
}
