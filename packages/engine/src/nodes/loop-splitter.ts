import { z } from "zod";
import { NonRetryableError } from "../errors";
import { defineNode, IN } from "./types";

export const ITEM_HANDLE = "item";

export const splitterNode = defineNode({
  type: "loop.splitter",
  title: "For each",
  category: "flow",
  description:
    "Runs the branch on its `item` handle once per element of an array, up to `maxParallel` at a time.",
  icon: "repeat",
  inputs: IN,
  outputs: [{ id: ITEM_HANDLE, label: "Each item" }],
  configSchema: z.object({
    items: z
      .string()
      .min(1)
      .describe(
        "JSONata yielding the array; inside the branch `item` and `index` name the current element",
      ),
    maxParallel: z.number().int().min(1).max(1_000).default(10),
    maxItems: z.number().int().min(0).max(100_000).default(10_000),
  }),
  outputSchema: z.array(z.json()).describe("The items"),
  expressionFields: ["items"],
  role: { kind: "splitter", maxParallel: (config) => config.maxParallel },
  async run(ctx) {
    const value = await ctx.evaluate(ctx.config.items);
    const items = value === null ? [] : value;
    if (!Array.isArray(items)) {
      throw new NonRetryableError(
        `items expression produced ${typeof items}, not an array`,
        { code: "invalid_items" },
      );
    }
    if (items.length > ctx.config.maxItems) {
      throw new NonRetryableError(
        `${items.length} items exceed maxItems (${ctx.config.maxItems})`,
        { code: "invalid_items" },
      );
    }
    return { output: items };
  },
});
