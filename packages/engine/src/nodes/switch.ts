import { z } from "zod";
import { defineNode, ERROR_HANDLE, IN, type HandleSpec } from "./types";

export const DEFAULT_CASE = "default";

const SwitchConfigSchema = z.object({
  cases: z
    .array(
      z.object({
        id: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/)
          .describe("Output handle id"),
        label: z.string().max(200).optional(),
        expression: z
          .string()
          .min(1)
          .describe("JSONata; the first truthy case wins"),
      }),
    )
    .min(1)
    .max(50)
    .superRefine((cases, ctx) => {
      const seen = new Set<string>();
      cases.forEach((c, i) => {
        if (c.id === DEFAULT_CASE || c.id === ERROR_HANDLE) {
          ctx.addIssue({
            code: "custom",
            path: [i, "id"],
            message: `"${c.id}" is reserved`,
          });
        } else if (seen.has(c.id)) {
          ctx.addIssue({
            code: "custom",
            path: [i, "id"],
            message: `duplicate case id "${c.id}"`,
          });
        }
        seen.add(c.id);
      });
    }),
});

export const switchNode = defineNode({
  type: "switch",
  title: "Switch",
  category: "logic",
  description:
    "Takes the handle of the first case whose expression is truthy, or `default`.",
  icon: "route",
  inputs: IN,
  outputs: [{ id: DEFAULT_CASE, label: "Default" }],
  dynamicOutputs: "one handle per case id, in order, then `default`",
  outputsFor(config): HandleSpec[] {
    return [
      ...config.cases.map((c) => ({ id: c.id, label: c.label ?? c.id })),
      { id: DEFAULT_CASE, label: "Default" },
    ];
  },
  configSchema: SwitchConfigSchema,
  outputSchema: z.object({ case: z.string() }),
  expressionFields: ["cases.*.expression"],
  pure: true,
  async run(ctx) {
    for (const c of ctx.config.cases) {
      if (await ctx.test(c.expression))
        return { output: { case: c.id }, handles: [c.id] };
    }
    return { output: { case: DEFAULT_CASE }, handles: [DEFAULT_CASE] };
  },
});
