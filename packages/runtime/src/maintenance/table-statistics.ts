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

/**
 * The sample our ANALYZE takes: 300 rows per unit, so 3,000 rows per table
 * instead of the 30,000 of PostgreSQL's default (100). The planner needs
 * these tables' statistics for index choices on ids, statuses and times,
 * which a tenth of the sample tells apart as well; the payload columns'
 * statistics serve no plan. The default sample cost about a second of a
 * core per pass over tables of a few hundred thousand rows, run in the
 * foreground of a busy server (and blocking PGlite's one connection); a
 * tenth costs a tenth.
 */
export const STATISTICS_TARGET = 10;

const autovacuumSetting = statement("autovacuum_setting", `SELECT current_setting('autovacuum') AS autovacuum`);

const sampleSize = statement("statistics_target", `SELECT set_config('default_statistics_target', $1, true)`);

/**
 * ANALYZEs the hot tables that grew since their statistics were taken, with
 * a sample of `STATISTICS_TARGET` (for this transaction only); returns their names.
 */
export async function analyzeGrownTables(sql: Sql): Promise<string[]> {
  const tables = (await sql.query<{ relname: string }>(grownTables, [[...HOT_TABLES]])).map((row) => row.relname);
  if (tables.length === 0) return tables;
  await sql.transaction(async (tx) => {
    await tx.query(sampleSize, [String(STATISTICS_TARGET)]);
    // Names from the fixed list above, quoted anyway.
    // Unnamed: a utility statement is not worth preparing.
    await tx.query({ name: "", text: `ANALYZE ${tables.map((table) => `"${table}"`).join(", ")}` }, []);
  });
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
