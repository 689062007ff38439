import type { Logger } from "@trellis/config/logger";
import type { DatabaseHandle } from "@trellis/db";
import { statement, type Sql } from "../sql/sql-client";
import { PeriodicJob } from "./periodic-job";

/** The tables every run, step and delivery writes to: the ones that grow from nothing to millions of rows. */
export const HOT_TABLES = ["runs", "run_steps", "run_events", "webhook_deliveries", "webhook_dedupe_keys", "notification_deliveries"] as const;

/**
 * Hot tables at least 20 % (and 8 pages) larger than when their statistics
 * were taken: `relpages` is the size the last ANALYZE saw, the relation's
 * size is its size now. (Unlike the statistics collector's counters, both
 * are there on PGlite too.)
 */
const grownTables = statement(
  "grown_hot_tables",
  `SELECT c.relname FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname = ANY($1::text[])
     AND pg_relation_size(c.oid) / current_setting('block_size')::int > greatest(c.relpages, 0) * 1.2 + 8
   ORDER BY c.relname`,
);

const autovacuumSetting = statement("autovacuum_setting", `SELECT current_setting('autovacuum') AS autovacuum`);

/** ANALYZEs the hot tables that grew since their statistics were taken; returns their names. */
export async function analyzeGrownTables(sql: Sql): Promise<string[]> {
  const tables = (await sql.query<{ relname: string }>(grownTables, [[...HOT_TABLES]])).map((row) => row.relname);
  // Names from the fixed list above, quoted anyway.
  // Unnamed: a utility statement is not worth preparing.
  if (tables.length > 0) await sql.query({ name: "", text: `ANALYZE ${tables.map((table) => `"${table}"`).join(", ")}` }, []);
  return tables;
}

/**
 * Whether nothing else keeps the planner's statistics current: PGlite runs
 * no autovacuum, and a server may have it turned off. Without statistics the
 * planner keeps the plans it made when the tables were empty (sequential
 * scans that cost more with every row), cached for good in prepared
 * statements.
 */
export async function statisticsAreOurs(handle: DatabaseHandle, sql: Sql): Promise<boolean> {
  if (handle.driver === "pglite") return true;
  const [row] = await sql.query<{ autovacuum: string }>(autovacuumSetting, []);
  return row?.autovacuum === "off";
}

/** Every few seconds, ANALYZEs the hot tables that grew by a fifth (what autoanalyze would do). */
export function tableStatisticsJob(sql: Sql, intervalMs: number, logger: Logger): PeriodicJob {
  return new PeriodicJob(
    "analyzing the tables that grew",
    intervalMs,
    async () => {
      const analyzed = await analyzeGrownTables(sql);
      if (analyzed.length > 0) logger.debug({ analyzed }, "analyzed tables that grew since their statistics were taken");
    },
    logger,
  );
}
