import { z } from "zod";
import { isJsonObject } from "../json";
import { defineNode, OUT } from "./types";
import { UserJsonSchema, validateAgainst } from "./input-schema";

export const webhookTriggerNode = defineNode({
  type: "trigger.webhook",
  title: "Webhook",
  category: "trigger",
  description:
    "Starts a run when an HTTP request reaches the workflow's webhook URL.",
  icon: "webhook",
  inputs: [],
  outputs: OUT,
  configSchema: z.object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
    bodySchema: UserJsonSchema.optional().describe(
      "JSON Schema the request body must satisfy",
    ),
  }),
  outputSchema: z.object({
    method: z.string(),
    headers: z.record(z.string(), z.string()),
    query: z.record(z.string(), z.string()),
    body: z.json(),
  }),
  async run(ctx) {
    const body = isJsonObject(ctx.input) ? (ctx.input.body ?? null) : null;
    validateAgainst(ctx.config.bodySchema, body, "webhook body");
    return { output: ctx.input };
  },
});
