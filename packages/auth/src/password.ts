import bcrypt from "bcryptjs";
import { z } from "zod";

// bcrypt's cost 11 takes ~150 ms here: slow for guessing, tolerable to sign in.
const COST = 11;

const COMMON = new Set([
  "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop",
  "iloveyou", "sunshine1", "letmein123", "welcome123", "trustno1", "baseball1", "football1",
]);

/**
 * The password policy shown to people signing up: at least 10 characters,
 * letters and digits or symbols, not a well-known password.
 */
export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters")
  .refine((p) => /[A-Za-z]/.test(p) && /[^A-Za-z]/.test(p), "Mix letters with digits or symbols")
  .refine((p) => !COMMON.has(p.toLowerCase()), "This password is too common");

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// Compared against when the email is unknown so both answers take as long.
const DUMMY_HASH = bcrypt.hashSync("trellis-timing-equaliser", COST);

export async function verifyPasswordOrDummy(password: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && Boolean(hash);
}
