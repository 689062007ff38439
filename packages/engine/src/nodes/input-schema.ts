import { z } from "zod";
import { InvalidInputError } from "../errors";
import type { Json } from "../json";

const cache = new Map<string, z.ZodType>();

/** A JSON Schema a user wrote for a trigger's input; compile rejects ones zod cannot use. */
export const UserJsonSchema = z
  .record(z.string(), z.json())
  .superRefine((schema, ctx) => {
    try {
      fromJsonSchema(schema);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `not a usable JSON Schema: ${(error as Error).message}`,
      });
    }
  })
  .describe("JSON Schema the input must satisfy");

function fromJsonSchema(schema: Record<string, Json>): z.ZodType {
  const key = JSON.stringify(schema);
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = z.fromJSONSchema(
      schema as Parameters<typeof z.fromJSONSchema>[0],
    );
    if (cache.size > 500) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

export function validateAgainst(
  schema: Record<string, Json> | undefined,
  value: Json,
  what: string,
): void {
  if (!schema) return;
  const result = fromJsonSchema(schema).safeParse(value);
  if (!result.success) {
    throw new InvalidInputError(
      `${what} does not match its schema: ${z.prettifyError(result.error)}`,
      {
        issues: result.error.issues.map((issue) => ({
          path: issue.path.map(String),
          message: issue.message,
        })),
      },
    );
  }
}
