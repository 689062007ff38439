import { z } from "zod";
import { NonRetryableError } from "../errors";
import { isJsonObject, type JsonObject } from "../json";
import { approvalEventName } from "../step-tools/step-ids";
import { defineNode, IN } from "./types";
import { capToDeadline, MAX_WAIT_MS } from "./wait-event";

/** Payload of the `approval:<stepId>` event the app or the API sends. */
export const ApprovalDecisionSchema = z.object({
  runId: z.string(),
  decision: z.enum(["approved", "rejected"]),
  by: z.string().max(200).optional(),
  comment: z.string().max(5_000).optional(),
});
export type ApprovalDecision = z.output<typeof ApprovalDecisionSchema>;

export const approvalNode = defineNode({
  type: "approval",
  title: "Approval",
  category: "flow",
  description:
    "Waits for a person to approve or reject in the app or through the API.",
  icon: "user-check",
  inputs: IN,
  outputs: [
    { id: "approved", label: "Approved" },
    { id: "rejected", label: "Rejected" },
    { id: "timeout", label: "Timed out" },
  ],
  configSchema: z.object({
    title: z.string().min(1).max(200).default("Approval required"),
    instructions: z.string().max(5_000).optional(),
    approvers: z
      .array(z.string().min(1))
      .max(100)
      .default([])
      .describe("User ids or emails allowed to decide; empty means any editor"),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(MAX_WAIT_MS)
      .default(7 * 86_400_000),
  }),
  outputSchema: z.object({
    decision: z.enum(["approved", "rejected", "timeout"]),
    by: z.string().nullable(),
    comment: z.string().nullable(),
  }),
  async run(ctx) {
    const { title, instructions, approvers, timeoutMs } = ctx.config;
    return {
      output: {
        event: approvalEventName(ctx.baseStepId),
        match: { runId: ctx.run.id },
        timeoutMs: capToDeadline(timeoutMs, ctx.deadline),
        title,
        instructions: instructions ?? null,
        approvers,
      },
    };
  },
  async durable(ctx) {
    const prepared = isJsonObject(ctx.prepared) ? ctx.prepared : {};
    const payload = await ctx.waitForEvent({
      event: String(prepared.event),
      match: prepared.match as JsonObject,
      timeoutMs: Number(prepared.timeoutMs),
    });
    if (payload === null)
      return {
        output: { decision: "timeout", by: null, comment: null },
        handles: ["timeout"],
      };
    const parsed = ApprovalDecisionSchema.safeParse(payload);
    if (!parsed.success)
      throw new NonRetryableError(
        `invalid approval payload: ${parsed.error.message}`,
        { code: "invalid_event" },
      );
    const { decision, by, comment } = parsed.data;
    return {
      output: { decision, by: by ?? null, comment: comment ?? null },
      handles: [decision],
    };
  },
});
