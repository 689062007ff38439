import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { workspaces } from "./workspaces";

/** A workspace secret, AES-256-GCM encrypted; the value never leaves the server. */
export const secrets = pgTable(
  "secrets",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    // base64 of iv (12 bytes) ‖ auth tag (16 bytes) ‖ ciphertext
    ciphertext: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp({ withTimezone: true }),
  },
  (t) => [unique("secrets_workspace_id_name_unique").on(t.workspaceId, t.name)],
);

export type Secret = typeof secrets.$inferSelect;
