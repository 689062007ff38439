import { relations, sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { memberships } from "./workspaces";

/** A person who signs in. Email is stored lower-cased and is unique. */
export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    email: text().notNull().unique(),
    name: text(),
    image: text(),
    // Null for accounts created through OAuth only.
    passwordHash: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
);

/** Links an OAuth identity (GitHub) to a user. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    provider: text().notNull(),
    providerAccountId: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.providerAccountId] }),
    index("oauth_accounts_user_id_idx").on(t.userId),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(memberships),
  oauthAccounts: many(oauthAccounts),
}));

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
