import { z } from "zod";
import { defineNode, OUT } from "./types";
import { UserJsonSchema, validateAgainst } from "./input-schema";

export const manualTriggerNode = defineNode({
  type: "trigger.manual",
  title: "Manual trigger",
  category: "trigger",
  description:
    "Starts a run from the app or the API with an input you describe.",
  icon: "play",
  inputs: [],
  outputs: OUT,
  configSchema: z.object({ inputSchema: UserJsonSchema.optional() }),
  outputSchema: z.json().describe("The run input"),
  async run(ctx) {
    validateAgainst(ctx.config.inputSchema, ctx.input, "run input");
    return { output: ctx.input };
  },
});
