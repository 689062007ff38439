import { eq } from "drizzle-orm";
import { schema, type Database } from "@trellis/db";
import { verifyPasswordOrDummy } from "./password";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The user whose email and password match, or null. */
export async function verifyCredentials(
  db: Database,
  email: string,
  password: string,
): Promise<{ id: string; email: string; name: string | null } | null> {
  const [user] = await db
    .select({ id: schema.users.id, email: schema.users.email, name: schema.users.name, passwordHash: schema.users.passwordHash })
    .from(schema.users)
    .where(eq(schema.users.email, normalizeEmail(email)))
    .limit(1);
  const ok = await verifyPasswordOrDummy(password, user?.passwordHash);
  return ok && user ? { id: user.id, email: user.email, name: user.name } : null;
}
