import type { Database, DatabaseHandle } from "@trellis/db";

/** Who is calling, as the session says; null for anonymous callers. */
export interface SessionUser {
  id: string;
  email: string;
  name?: string | null;
}

/** What every tRPC procedure receives, whichever edge built it. */
export interface Context {
  db: Database;
  /** The open database `db` belongs to, for live updates (its run event bus); the application's database when absent. */
  handle?: DatabaseHandle;
  user: SessionUser | null;
  requestId: string;
}

export function createContext(input: Context): Context {
  return input;
}
