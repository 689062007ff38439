"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { checkDefinition, type DefinitionCheck } from "~/server/definition-check";
import type { WorkflowDefinition } from "./lib/types";

// Definitions are immutable, so an object's identity names its content: a
// small number per object keeps query keys cheap for a 500-node draft.
const keys = new WeakMap<object, number>();
let lastKey = 0;
function keyOf(definition: WorkflowDefinition): number {
  let key = keys.get(definition);
  if (key === undefined) {
    key = ++lastKey;
    keys.set(definition, key);
  }
  return key;
}

export const CHECK_DELAY_MS = 300;
/** The first check waits for the canvas to be drawn: it is not what opening the editor waits for. */
export const FIRST_CHECK_DELAY_MS = 250;

/**
 * The compiler's verdict on the draft, asked shortly after the last edit.
 * `current` says whether it describes the draft as it is now.
 */
export function useDefinitionCheck(workspaceId: string, definition: WorkflowDefinition, enabled = true) {
  const [target, setTarget] = useState<WorkflowDefinition | null>(null);
  useEffect(() => {
    if (target === definition) return;
    const timer = setTimeout(() => setTarget(definition), target === null ? FIRST_CHECK_DELAY_MS : CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [definition, target]);
  const query = useQuery<DefinitionCheck>({
    queryKey: ["definition-check", workspaceId, target ? keyOf(target) : 0],
    queryFn: () => checkDefinition(workspaceId, target),
    enabled: enabled && target !== null,
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
    retry: 1,
    refetchOnWindowFocus: false,
  });
  const current = target === definition && query.isSuccess && !query.isPlaceholderData;
  return { data: query.data, current, failed: query.isError && target === definition, error: query.error };
}
