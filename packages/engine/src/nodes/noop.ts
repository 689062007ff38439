import { z } from "zod";
import { defineNode, IN, OUT } from "./types";

export const noopNode = defineNode({
  type: "noop",
  title: "No-op",
  category: "utility",
  description:
    "Passes its input through unchanged (for tests, benchmarks and layout).",
  icon: "circle-dashed",
  inputs: IN,
  outputs: OUT,
  configSchema: z.object({}),
  outputSchema: z.json(),
  pure: true,
  async run(ctx) {
    return { output: ctx.input };
  },
});
