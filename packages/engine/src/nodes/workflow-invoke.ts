import { z } from "zod";
import { isJsonObject } from "../json";
import { defineNode, IN, OUT } from "./types";

export const workflowInvokeNode = defineNode({
  type: "workflow.invoke",
  title: "Run workflow",
  category: "flow",
  description:
    "Runs another workflow of the workspace to completion and outputs its result.",
  icon: "workflow",
  inputs: IN,
  outputs: OUT,
  configSchema: z.object({
    workflowId: z.string().min(1),
    input: z
      .json()
      .default({})
      .describe("Input of the child run; strings may be templates"),
  }),
  outputSchema: z.json().describe("The child run's output"),
  async run(ctx) {
    return {
      output: { workflowId: ctx.config.workflowId, input: ctx.config.input },
    };
  },
  async durable(ctx) {
    const prepared = isJsonObject(ctx.prepared) ? ctx.prepared : {};
    const output = await ctx.invoke({
      workflowId: String(prepared.workflowId),
      input: prepared.input ?? null,
    });
    return { output };
  },
});
