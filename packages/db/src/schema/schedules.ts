import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { workflows } from "./workflows";
import { workspaces } from "./workspaces";

/**
 * A cron schedule that starts runs. Each slot starts at most one run: the run
 * carries the idempotency key `schedule:<id>:<slot>`.
 */
export const schedules = pgTable(
  "schedules",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid()
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    name: text().notNull().default(""),
    cron: text().notNull(),
    timezone: text().notNull().default("UTC"),
    input: jsonb().$type<unknown>(),
    active: boolean().notNull().default(true),
    nextRunAt: timestamp({ withTimezone: true }),
    lastSlotAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("schedules_next_run_at_idx").on(t.nextRunAt).where(sql`${t.active}`),
    index("schedules_workspace_id_idx").on(t.workspaceId),
  ],
);

export type Schedule = typeof schedules.$inferSelect;
