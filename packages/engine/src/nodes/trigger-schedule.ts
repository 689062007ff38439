import { Cron } from "croner";
import { z } from "zod";
import { defineNode, OUT } from "./types";

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ScheduleConfigSchema = z
  .object({
    cron: z
      .string()
      .min(1)
      .describe("Cron pattern (5 or 6 fields, croner syntax)"),
    timezone: z
      .string()
      .default("UTC")
      .describe("IANA time zone, e.g. Europe/Paris"),
  })
  .superRefine((config, ctx) => {
    if (!isTimeZone(config.timezone)) {
      ctx.addIssue({
        code: "custom",
        path: ["timezone"],
        message: `unknown IANA time zone "${config.timezone}"`,
      });
      return;
    }
    try {
      new Cron(config.cron, { timezone: config.timezone, paused: true });
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["cron"],
        message: `invalid cron pattern: ${(error as Error).message}`,
      });
    }
  });
export type ScheduleConfig = z.output<typeof ScheduleConfigSchema>;

/** The scheduler's view of a schedule trigger: the next `count` slots strictly after `after`. */
export function nextScheduleTimes(
  config: ScheduleConfig,
  after: Date,
  count: number,
): Date[] {
  return new Cron(config.cron, {
    timezone: config.timezone,
    paused: true,
  }).nextRuns(count, after);
}

export const scheduleTriggerNode = defineNode({
  type: "trigger.schedule",
  title: "Schedule",
  category: "trigger",
  description: "Starts a run on a cron schedule in a time zone.",
  icon: "clock",
  inputs: [],
  outputs: OUT,
  configSchema: ScheduleConfigSchema,
  outputSchema: z.object({ scheduledAt: z.string() }),
  async run(ctx) {
    // The scheduler passes the slot it fired for; a manual test run falls back to the run's start.
    return { output: ctx.input ?? { scheduledAt: ctx.run.startedAt } };
  },
});
