import { z } from "zod";
import { isJsonObject, type Json } from "../json";
import { defineNode, IN, OUT } from "./types";

/** What the interpreter hands a collector: one entry per item, in item order. */
export type CollectorBranch = { index: number; reached: boolean; value: Json };

export const collectorNode = defineNode({
  type: "loop.collector",
  title: "Collect",
  category: "flow",
  description:
    "Gathers the results of a for-each branch into an array, in item order.",
  icon: "layers",
  inputs: IN,
  outputs: OUT,
  configSchema: z.object({
    includeSkipped: z
      .boolean()
      .default(false)
      .describe("Keep a null for items whose branch never reached this node"),
  }),
  outputSchema: z.array(z.json()),
  role: { kind: "collector" },
  async run(ctx) {
    const branches = (
      isJsonObject(ctx.input) && Array.isArray(ctx.input.branches)
        ? ctx.input.branches
        : []
    ) as CollectorBranch[];
    const output = ctx.config.includeSkipped
      ? branches.map((b) => (b.reached ? b.value : null))
      : branches.filter((b) => b.reached).map((b) => b.value);
    return { output };
  },
});
