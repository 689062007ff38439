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
