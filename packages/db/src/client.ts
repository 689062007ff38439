import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Pool as NeonPool, neonConfig } from "@neondatabase/serverless";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-serverless";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import WebSocket from "ws";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DriverName = "pglite" | "pg" | "neon";

export interface DatabaseConfig {
  /** A postgres:// URL; absent means embedded PGlite. */
  url?: string;
  /** Forces a driver; a URL whose host ends in neon.tech selects neon by itself. */
  driver?: DriverName;
  /** PGlite's directory; absent means an in-memory database (tests). */
  dataDir?: string;
  poolMax?: number;
}

/** An open database: the Drizzle handle, the driver chosen, and its shutdown. */
export interface DatabaseHandle {
  db: Database;
  driver: DriverName;
  close(): Promise<void>;
  /** The underlying client, for LISTEN/NOTIFY and driver-specific needs. */
  client: PGlite | pg.Pool | NeonPool;
}

export function chooseDriver(config: Pick<DatabaseConfig, "url" | "driver">): DriverName {
  if (config.driver) return config.driver;
  if (!config.url) return "pglite";
  const host = new URL(config.url).hostname;
  return host.endsWith(".neon.tech") || host === "neon.tech" ? "neon" : "pg";
}

const drizzleOptions = { schema, casing: "snake_case" } as const;

/** Opens a database with the driver the configuration names. */
export function openDatabase(config: DatabaseConfig): DatabaseHandle {
  const driver = chooseDriver(config);
  if (driver === "pglite") {
    if (config.dataDir) mkdirSync(path.dirname(config.dataDir), { recursive: true });
    const client = config.dataDir ? new PGlite(config.dataDir) : new PGlite();
    const db = drizzlePglite({ client, ...drizzleOptions }) as unknown as Database;
    return { db, driver, client, close: () => client.close() };
  }
  if (!config.url) throw new Error(`The ${driver} driver needs DATABASE_URL`);
  if (driver === "pg") {
    const client = new pg.Pool({ connectionString: config.url, max: config.poolMax ?? 10 });
    // An idle client that loses its connection must not crash the process;
    // the pool replaces it on the next checkout.
    client.on("error", () => {});
    const db = drizzlePg({ client, ...drizzleOptions }) as unknown as Database;
    return { db, driver, client, close: () => client.end() };
  }
  // Node 20 has no global WebSocket for the Neon driver.
  neonConfig.webSocketConstructor ??= WebSocket;
  const client = new NeonPool({ connectionString: config.url, max: config.poolMax ?? 10 });
  client.on("error", () => {});
  const db = drizzleNeon({ client, ...drizzleOptions }) as unknown as Database;
  return { db, driver, client, close: () => client.end() };
}
