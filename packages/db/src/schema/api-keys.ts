import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { workspaces } from "./workspaces";

/**
 * A workspace's API key. Only the SHA-256 of the key is stored; `prefix` is
 * the visible start (`trl_live_ab12`) shown in lists so people can tell keys
 * apart.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    prefix: text().notNull(),
    hash: text().notNull().unique(),
    scopes: text().array().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("api_keys_workspace_id_idx").on(t.workspaceId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
