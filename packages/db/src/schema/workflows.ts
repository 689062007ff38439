import { relations, sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { workspaces } from "./workspaces";

/**
 * A workflow and its editable draft. `draftRevision` grows with every saved
 * draft and is the optimistic-concurrency token (tRPC `expectedRevision`,
 * REST `ETag`/`If-Match`).
 */
export const workflows = pgTable(
  "workflows",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    // The engine's definition JSON, validated by its zod schema before it is stored.
    draft: jsonb().$type<Record<string, unknown>>().notNull(),
    draftRevision: integer().notNull().default(1),
    // Runs of this workflow allowed at once (embedded driver and Inngest concurrency); null = unlimited.
    concurrencyLimit: integer(),
    latestVersionId: uuid(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("workflows_workspace_id_updated_at_idx").on(t.workspaceId, t.updatedAt.desc()),
    index("workflows_workspace_id_name_idx").on(t.workspaceId, t.name),
    // The embedded worker asks on every claim whether limited workflows have queued runs.
    index("workflows_concurrency_limit_idx").on(t.id).where(sql`${t.concurrencyLimit} is not null`),
  ],
);

/** An immutable published version; runs are pinned to one. */
export const workflowVersions = pgTable(
  "workflow_versions",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid()
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    number: integer().notNull(),
    definition: jsonb().$type<Record<string, unknown>>().notNull(),
    message: text().notNull().default(""),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("workflow_versions_workflow_id_number_unique").on(t.workflowId, t.number),
    index("workflow_versions_workspace_id_idx").on(t.workspaceId),
  ],
);

export const workflowsRelations = relations(workflows, ({ many, one }) => ({
  versions: many(workflowVersions),
  workspace: one(workspaces, { fields: [workflows.workspaceId], references: [workspaces.id] }),
}));

export const workflowVersionsRelations = relations(workflowVersions, ({ one }) => ({
  workflow: one(workflows, { fields: [workflowVersions.workflowId], references: [workflows.id] }),
}));

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowVersion = typeof workflowVersions.$inferSelect;
