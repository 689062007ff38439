import { z } from "zod";
import { isJsonObject, type JsonObject } from "../json";
import { defineNode, IN } from "./types";

export const MAX_WAIT_MS = 366 * 86_400_000;

/** Caps a wait so it never outlives the run's deadline. */
export function capToDeadline(
  timeoutMs: number,
  deadline: number | null,
): number {
  return deadline === null
    ? timeoutMs
    : Math.max(0, Math.min(timeoutMs, deadline - Date.now()));
}

export const waitEventNode = defineNode({
  type: "wait.event",
  title: "Wait for event",
  category: "flow",
  description:
    "Waits for a named event whose payload contains `match`; takes `timeout` if none arrives in time.",
  icon: "bell",
  inputs: IN,
  outputs: [
    { id: "out", label: "Received" },
    { id: "timeout", label: "Timed out" },
  ],
  configSchema: z.object({
    event: z.string().min(1).max(200),
    match: z
      .record(z.string(), z.json())
      .optional()
      .describe(
        "JSON the payload must contain (jsonb @> semantics); values may be templates",
      ),
    timeoutMs: z.number().int().min(1).max(MAX_WAIT_MS).default(86_400_000),
  }),
  outputSchema: z.object({ received: z.boolean(), payload: z.json() }),
  async run(ctx) {
    const { event, match, timeoutMs } = ctx.config;
    return {
      output: {
        event,
        match: match ?? null,
        timeoutMs: capToDeadline(timeoutMs, ctx.deadline),
      },
    };
  },
  async durable(ctx) {
    const prepared = isJsonObject(ctx.prepared) ? ctx.prepared : {};
    const match = isJsonObject(prepared.match)
      ? (prepared.match as JsonObject)
      : undefined;
    const payload = await ctx.waitForEvent({
      event: String(prepared.event),
      match,
      timeoutMs: Number(prepared.timeoutMs),
    });
    return payload === null
      ? { output: { received: false, payload: null }, handles: ["timeout"] }
      : { output: { received: true, payload }, handles: ["out"] };
  },
});
