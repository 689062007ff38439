import "server-only";
import { getServerSession, type NextAuthOptions } from "next-auth";
import { buildAuthOptions } from "@trellis/auth";
import type { SessionUser } from "@trellis/api";

let options: NextAuthOptions | undefined;

/** next-auth's options, built on first use so nothing touches the data directory at build time. */
export function authOptions(): NextAuthOptions {
  options ??= buildAuthOptions();
  return options;
}

/** The signed-in user of this request, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const user = session?.user;
  return user?.id ? { id: user.id, email: user.email, name: user.name ?? null } : null;
}
