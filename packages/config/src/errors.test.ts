import { expect, it } from "vitest";
import { z } from "zod";
import { AppError, fieldErrorsFromIssues, notFound } from "./errors";

it("maps each code to its HTTP status", () => {
  expect(notFound("Workflow").status).toBe(404);
  expect(notFound("Workflow").message).toBe("Workflow not found");
  expect(new AppError("CONFLICT", "stale").status).toBe(409);
  expect(new AppError("TOO_MANY_REQUESTS", "slow down").status).toBe(429);
});

it("groups zod issues by dotted path", () => {
  const result = z.object({ a: z.object({ b: z.string() }), c: z.number().min(3) }).safeParse({ a: { b: 1 }, c: 1 });
  expect(result.success).toBe(false);
  expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({
    "a.b": ["Invalid input: expected string, received number"],
    c: ["Too small: expected number to be >=3"],
  });
});
