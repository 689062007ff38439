import type { SQL } from "drizzle-orm";
import type { Database } from "./client";

/**
 * Runs raw SQL and returns its rows. `Database` spans three drivers, so
 * Drizzle types `execute()`'s result as unknown, though each driver's result
 * carries `rows`.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new Error("the driver's result has no rows array");
  return rows as T[];
}
