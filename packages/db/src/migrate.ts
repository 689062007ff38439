import { migrate as migrateNeon } from "drizzle-orm/neon-serverless/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { DatabaseHandle } from "./client";

/** Applies the committed migrations in drizzle/ that the database lacks. */
export async function migrate(handle: DatabaseHandle, migrationsFolder: string): Promise<void> {
  const options = { migrationsFolder };
  // Each migrator is typed for its own driver's database; the handle knows which one it holds.
  const db = handle.db as never;
  switch (handle.driver) {
    case "pglite":
      return migratePglite(db, options);
    case "pg":
      return migratePg(db, options);
    case "neon":
      return migrateNeon(db, options);
  }
}
