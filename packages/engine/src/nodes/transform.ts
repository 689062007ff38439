import { z } from "zod";
import { defineNode, IN, OUT } from "./types";

export const transformNode = defineNode({
  type: "transform",
  title: "Transform",
  category: "data",
  description:
    "Computes a value with a JSONata expression over the run context.",
  icon: "wand",
  inputs: IN,
  outputs: OUT,
  configSchema: z.object({
    expression: z
      .string()
      .min(1)
      .describe(
        "JSONata over { trigger, nodes, run, vars, input, item, index }",
      ),
  }),
  outputSchema: z.json(),
  expressionFields: ["expression"],
  pure: true,
  async run(ctx) {
    return { output: await ctx.evaluate(ctx.config.expression) };
  },
});
