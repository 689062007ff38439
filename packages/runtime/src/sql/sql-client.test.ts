import { describe, expect, it } from "vitest";
import { PgDialect } from "drizzle-orm/pg-core";
import { toDrizzleSql } from "./sql-client";

describe("toDrizzleSql", () => {
  it("maps $n placeholders onto Drizzle parameters, repeated ones included", () => {
    const query = new PgDialect().sqlToQuery(toDrizzleSql("SELECT $1::int + $2::int, $1::text, $10", [1, 2, 3, 4, 5, 6, 7, 8, 9, "ten"]));
    expect(query.sql).toBe("SELECT $1::int + $2::int, $3::text, $4");
    expect(query.params).toEqual([1, 2, 1, "ten"]);
  });
});
