import { z } from "zod";
import { defineNode, IN } from "./types";

export const conditionNode = defineNode({
  type: "condition",
  title: "If / else",
  category: "logic",
  description:
    "Takes the `true` or the `false` handle depending on a JSONata expression.",
  icon: "split",
  inputs: IN,
  outputs: [
    { id: "true", label: "True" },
    { id: "false", label: "False" },
  ],
  configSchema: z.object({
    expression: z
      .string()
      .min(1)
      .describe("JSONata; truthiness follows $boolean()"),
  }),
  outputSchema: z.object({ result: z.boolean() }),
  expressionFields: ["expression"],
  pure: true,
  async run(ctx) {
    const result = await ctx.test(ctx.config.expression);
    return { output: { result }, handles: [result ? "true" : "false"] };
  },
});
