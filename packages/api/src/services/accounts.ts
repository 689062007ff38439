import { z } from "zod";
import { emailSchema } from "./email";
import { passwordSchema, registerWithPassword } from "@trellis/auth";
import type { Database } from "@trellis/db";

export const signUpInput = z.object({
  name: z.string().trim().max(100, "Use at most 100 characters").optional(),
  email: emailSchema,
  password: passwordSchema,
});

/** Creates an account and its personal workspace; the caller signs in next. */
export async function signUp(db: Database, input: z.infer<typeof signUpInput>) {
  const user = await registerWithPassword(db, input);
  return { userId: user.id, workspace: user.personalWorkspace };
}
