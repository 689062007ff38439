"use server";

import { compile, defaultRegistry, nextScheduleTimes, ScheduleConfigSchema, type Problem } from "@trellis/engine";
import type { ScheduleInfo } from "~/components/editor/lib/types";
import { currentUser } from "./auth";

/** What the editor shows about a draft: the compiler's problems and the next slots of schedule triggers. */
export interface DefinitionCheck {
  problems: Problem[];
  schedules: Record<string, ScheduleInfo>;
}

const SLOTS_SHOWN = 5;

/**
 * Compiles a draft for the editor. It runs here rather than in the browser
 * because the engine's registry pulls Node built-ins (the HTTP node's client
 * and SSRF guard) that have no place in the client bundle. Pure: it reads
 * nothing but its argument, so any signed-in user may ask.
 */
export async function checkDefinition(definition: unknown): Promise<DefinitionCheck> {
  if (!(await currentUser())) throw new Error("Sign in to continue");
  const problems = compile(definition, defaultRegistry()).problems;
  const schedules: Record<string, ScheduleInfo> = {};
  const nodes = (definition as { nodes?: unknown } | null)?.nodes;
  if (Array.isArray(nodes)) {
    const now = new Date();
    for (const node of nodes as { id?: unknown; type?: unknown; config?: unknown }[]) {
      if (node?.type !== "trigger.schedule" || typeof node.id !== "string") continue;
      const config = ScheduleConfigSchema.safeParse(node.config ?? {});
      if (!config.success) {
        schedules[node.id] = { ok: false, message: config.error.issues[0]?.message ?? "Invalid schedule" };
        continue;
      }
      try {
        const times = nextScheduleTimes(config.data, now, SLOTS_SHOWN).map((date) => date.toISOString());
        schedules[node.id] = { ok: true, times, timezone: config.data.timezone };
      } catch (error) {
        schedules[node.id] = { ok: false, message: error instanceof Error ? error.message : "Invalid schedule" };
      }
    }
  }
  return { problems, schedules };
}
