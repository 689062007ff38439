import { z } from "zod";
import { InvalidConfigError, RunTimeoutError } from "../errors";
import { isJsonObject } from "../json";
import { defineNode, IN, OUT } from "./types";

const YEAR_MS = 366 * 86_400_000;

export const delayNode = defineNode({
  type: "delay",
  title: "Delay",
  category: "flow",
  description:
    "Waits for a duration, or until a timestamp computed by an expression.",
  icon: "hourglass",
  inputs: IN,
  outputs: OUT,
  configSchema: z
    .object({
      durationMs: z.number().int().min(0).max(YEAR_MS).optional(),
      until: z
        .string()
        .min(1)
        .optional()
        .describe("ISO timestamp, usually a {{ }} template"),
    })
    .refine(
      (c) => (c.durationMs === undefined) !== (c.until === undefined),
      "set exactly one of durationMs and until",
    ),
  outputSchema: z.object({ until: z.string() }),
  async run(ctx) {
    // The wake-up time is fixed here, inside the journaled step, so replays agree on it.
    const until =
      ctx.config.until === undefined
        ? Date.now() + (ctx.config.durationMs ?? 0)
        : Date.parse(ctx.config.until);
    if (Number.isNaN(until))
      throw new InvalidConfigError(
        `until "${ctx.config.until}" is not a timestamp`,
      );
    if (ctx.deadline !== null && until > ctx.deadline) {
      throw new RunTimeoutError(ctx.deadline - Date.parse(ctx.run.startedAt));
    }
    return { output: { until: new Date(until).toISOString() } };
  },
  async durable(ctx) {
    const until = isJsonObject(ctx.prepared) ? String(ctx.prepared.until) : "";
    await ctx.sleep({ until });
    return { output: ctx.prepared };
  },
});
