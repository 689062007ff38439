import { z } from "zod";
import { WorkflowDefinitionSchema } from "./schema";

export type JsonSchema = Record<string, unknown>;

/** Input-side JSON Schema (defaults optional): what the canvas and the REST docs describe. */
export function toInputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
}

export const workflowDefinitionJsonSchema: JsonSchema = toInputJsonSchema(
  WorkflowDefinitionSchema,
);
