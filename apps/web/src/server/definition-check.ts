"use server";

import type { RouterInputs } from "@trellis/api";
import type { Problem } from "@trellis/engine";
import type { ScheduleInfo } from "~/components/editor/lib/types";
import { serverCaller } from "./caller";

/** What the editor shows about a draft: the compiler's problems and the next slots of schedule triggers. */
export interface DefinitionCheck {
  problems: Problem[];
  schedules: Record<string, ScheduleInfo>;
}

/**
 * Compiles a draft for the editor through the `workflow.check` procedure. A
 * server action rather than that tRPC query from the browser because a query
 * carries its input in the URL, and a 500-node draft does not fit in one.
 */
export async function checkDefinition(workspaceId: string, definition: unknown): Promise<DefinitionCheck> {
  const caller = await serverCaller();
  // As JSON, the shape the procedure's input takes: members set to undefined are dropped, as the tRPC route would drop them.
  const json = JSON.parse(JSON.stringify(definition ?? null)) as RouterInputs["workflow"]["check"]["definition"];
  const check = await caller.workflow.check({ workspaceId, definition: json });
  // The procedure hands back the compiler's problems as they are; its output schema only types their code as a string.
  return check as DefinitionCheck;
}
