import { readFileSync } from "node:fs";
import path from "node:path";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { expect, it } from "vitest";
import { migrate } from "./migrate";
import { queryRows } from "./query-rows";
import * as schema from "./schema";
import { describeEachDriver, testMigrationsDir } from "./testing";

// The migrations must create exactly the tables the Drizzle schema declares:
// a table added to the schema without a generated migration fails here.
const declaredTables = Object.values(schema as Record<string, unknown>)
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table))
  .sort();

const journal = JSON.parse(readFileSync(path.join(testMigrationsDir(), "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};

/**
 * Foreign keys whose referencing columns no index leads: deleting (or
 * re-keying) a referenced row reads the whole referencing table. Each is
 * allowed for the reason given: its referenced rows go rarely (users,
 * subscriptions), or only when a whole workspace goes (a full read per
 * version of its workflows, in `runs.version_id`'s case: a known cost, which
 * an index would shift onto every run's writes).
 */
const UNINDEXED_FOREIGN_KEYS: Record<string, string> = {
  "api_keys.created_by": "users are deleted one at a time",
  "invites.invited_by": "users are deleted one at a time",
  "secrets.created_by": "users are deleted one at a time",
  "webhooks.created_by": "users are deleted one at a time",
  "workflows.created_by": "users are deleted one at a time",
  "workflow_versions.created_by": "users are deleted one at a time",
  "schedules.workflow_id": "workflows are soft-deleted: only a workspace's deletion removes them",
  "webhook_deliveries.workspace_id": "a workspace is deleted once; a webhook's deletion reads its own deliveries by index",
  "notification_deliveries.subscription_id": "subscriptions are deleted one at a time, by a person",
  "runs.version_id": "workflow versions are deleted only with their workspace",
};

describeEachDriver("migrations", (ctx) => {
  it("create every table the schema declares, and the role enum", async () => {
    const tables = await queryRows<{ table_name: string }>(
      ctx.db(),
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(declaredTables);
    expect(declaredTables).toContain("runs");
    const roles = await queryRows<{ role: string }>(
      ctx.db(),
      sql`select unnest(enum_range(null::workspace_role))::text as role`,
    );
    expect(roles.map((r) => r.role)).toEqual(["owner", "admin", "editor", "viewer"]);
  });

  it("index the referencing columns of every foreign key, but for the few whose referenced rows go rarely and one at a time", async () => {
    const unindexed = await queryRows<{ key: string }>(
      ctx.db(),
      sql`select c.conrelid::regclass::text || '.' || string_agg(a.attname, ',' order by k.n) as key
        from pg_constraint c
        cross join lateral unnest(c.conkey) with ordinality as k(attnum, n)
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
        where c.contype = 'f' and c.connamespace = 'public'::regnamespace
          and not exists (
            select 1 from pg_index i where i.indrelid = c.conrelid
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
        group by c.oid, c.conrelid order by key`,
    );
    expect(unindexed.map((row) => row.key)).toEqual(Object.keys(UNINDEXED_FOREIGN_KEYS).sort());
  });

  it("record each committed migration once, and a second run applies nothing", async () => {
    const count = async () => {
      const [row] = await queryRows<{ n: number }>(
        ctx.db(),
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      return row?.n;
    };
    expect(journal.entries.length).toBeGreaterThan(0);
    expect(await count()).toBe(journal.entries.length);
    await migrate(ctx.handle(), testMigrationsDir());
    expect(await count()).toBe(journal.entries.length);
  });
});
