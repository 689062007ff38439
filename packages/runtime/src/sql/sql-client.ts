import { sql as drizzleSqlTag, type SQL } from "drizzle-orm";
import { queryRows, type Database, type DatabaseHandle } from "@trellis/db";
import { processOrigin } from "../bus/channels";
import { Notifier, NOTIFY_TEXT } from "./notifier";

/**
 * A statement with a stable name: node-postgres prepares a named statement
 * once per connection and then only binds parameters, which is most of what a
 * journal write costs on the hot path.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export function statement(name: string, text: string): Statement {
  return { name: `trellis_${name}`, text };
}

/**
 * The small SQL surface the runtime needs, over any of the three drivers. The
 * runtime writes raw SQL (CTEs that journal, append events and notify in one
 * round trip) that Drizzle's builder cannot express.
 */
export interface Sql {
  query<R extends object = Record<string, unknown>>(statement: Statement, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `work` in one transaction; nested calls join the outer one. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `callback` once the current transaction commits (at once outside a
   * transaction): in-process notifications must not announce rows that a
   * rollback could still take back.
   */
  afterCommit(callback: () => void): void;
  /**
   * Queues a NOTIFY, sent outside any transaction (see `Notifier`). Call it
   * only for committed data, i.e. from an `afterCommit` callback.
   */
  notify(channel: string, entry: string, delayMs?: number): void;
  /**
   * The driver client underneath (pool, PGlite instance): the same object for
   * every Sql over one database, transactions included, so per-database
   * caches can tell databases apart.
   */
  readonly scope: object;
}

interface QueryResultLike {
  rows: unknown[];
}

/** What node-postgres and Neon pools (and their clients) have in common. */
interface PgQueryable {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<QueryResultLike>;
}
interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
}
interface PgliteQueryable {
  query(text: string, params?: unknown[]): Promise<QueryResultLike>;
}
interface PgliteLike extends PgliteQueryable {
  transaction<T>(work: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
}

function runCallbacks(callbacks: (() => void)[]): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      console.error("an after-commit callback threw", error);
    }
  }
}

const notifyStatement = statement("notify", NOTIFY_TEXT);

class TransactionSql implements Sql {
  constructor(
    private readonly run: (statement: Statement, params: unknown[]) => Promise<QueryResultLike>,
    private readonly callbacks: (() => void)[],
    private readonly notifier: Notifier,
    readonly scope: object,
  ) {}

  notify(channel: string, entry: string, delayMs?: number): void {
    this.notifier.notify(channel, entry, delayMs);
  }

  async query<R extends object>(statement: Statement, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.run(statement, [...params])).rows as R[];
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return work(this);
  }

  afterCommit(callback: () => void): void {
    this.callbacks.push(callback);
  }
}

class PoolSql implements Sql {
  private readonly notifier = new Notifier(processOrigin, async (channels, payloads) => {
    await this.query(notifyStatement, [channels, payloads]);
  });

  constructor(private readonly pool: PgPoolLike) {}

  get scope(): object {
    return this.pool;
  }

  notify(channel: string, entry: string, delayMs?: number): void {
    this.notifier.notify(channel, entry, delayMs);
  }

  async query<R extends object>(statement: Statement, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pool.query({ name: statement.name, text: statement.text, values: [...params] });
    return result.rows as R[];
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const callbacks: (() => void)[] = [];
    let broken: Error | undefined;
    try {
      await client.query({ text: "BEGIN" });
      const tx = new TransactionSql((s, values) => client.query({ name: s.name, text: s.text, values }), callbacks, this.notifier, this.pool);
      const result = await work(tx);
      await client.query({ text: "COMMIT" });
      runCallbacks(callbacks);
      return result;
    } catch (error) {
      await client.query({ text: "ROLLBACK" }).catch((rollbackError: unknown) => {
        // A connection that cannot roll back is not fit for reuse.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  afterCommit(callback: () => void): void {
    callback();
  }
}

class PgliteSql implements Sql {
  private readonly notifier = new Notifier(processOrigin, async (channels, payloads) => {
    await this.query(notifyStatement, [channels, payloads]);
  });

  constructor(private readonly client: PgliteLike) {}

  get scope(): object {
    return this.client;
  }

  notify(channel: string, entry: string, delayMs?: number): void {
    this.notifier.notify(channel, entry, delayMs);
  }

  async query<R extends object>(statement: Statement, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.client.query(statement.text, [...params])).rows as R[];
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const callbacks: (() => void)[] = [];
    const result = await this.client.transaction((tx) =>
      work(new TransactionSql((s, values) => tx.query(s.text, values), callbacks, this.notifier, this.client)),
    );
    runCallbacks(callbacks);
    return result;
  }

  afterCommit(callback: () => void): void {
    callback();
  }
}

/** `$1`-style text and parameters as a Drizzle SQL object, so a Drizzle database (or transaction) can run it. */
export function toDrizzleSql(text: string, params: readonly unknown[]): SQL {
  const parts: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    parts.push(drizzleSqlTag.raw(text.slice(last, match.index)));
    parts.push(drizzleSqlTag`${drizzleSqlTag.param(params[Number(match[1]) - 1] ?? null)}`);
    last = match.index + match[0].length;
  }
  parts.push(drizzleSqlTag.raw(text.slice(last)));
  return drizzleSqlTag.join(parts);
}

class DrizzleSql implements Sql {
  private readonly notifier: Notifier;
  readonly scope: object;

  constructor(
    private readonly db: Database,
    private readonly callbacks: (() => void)[] | null,
    notifier?: Notifier,
    scope?: object,
  ) {
    // A root Drizzle database knows its driver client; its transactions inherit the root's.
    this.scope = scope ?? (db as { $client?: object }).$client ?? db;
    this.notifier =
      notifier ??
      new Notifier(processOrigin, async (channels, payloads) => {
        await this.query(notifyStatement, [channels, payloads]);
      });
  }

  notify(channel: string, entry: string, delayMs?: number): void {
    this.notifier.notify(channel, entry, delayMs);
  }

  query<R extends object>(statement: Statement, params: readonly unknown[] = []): Promise<R[]> {
    return queryRows(this.db, toDrizzleSql(statement.text, params)) as Promise<R[]>;
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.callbacks) return work(this);
    const callbacks: (() => void)[] = [];
    const result = await this.db.transaction((tx) => work(new DrizzleSql(tx as unknown as Database, callbacks, this.notifier, this.scope)));
    runCallbacks(callbacks);
    return result;
  }

  afterCommit(callback: () => void): void {
    if (this.callbacks) this.callbacks.push(callback);
    else callback();
  }
}

const byHandle = new WeakMap<DatabaseHandle, Sql>();
const byDatabase = new WeakMap<Database, Sql>();

/**
 * The runtime's SQL over an open database: straight to the driver's pool, with
 * prepared statements on node-postgres and Neon.
 */
export function sqlForHandle(handle: DatabaseHandle): Sql {
  let sql = byHandle.get(handle);
  if (!sql) {
    sql =
      handle.driver === "pglite"
        ? new PgliteSql(handle.client as unknown as PgliteLike)
        : new PoolSql(handle.client as unknown as PgPoolLike);
    byHandle.set(handle, sql);
  }
  return sql;
}

/**
 * The runtime's SQL over a Drizzle database, for callers that hold only that
 * (the API's services). Pass the root database, not a transaction: after-commit
 * callbacks of a Drizzle transaction opened elsewhere would run too early.
 */
export function sqlForDatabase(db: Database): Sql {
  let sql = byDatabase.get(db);
  if (!sql) {
    sql = new DrizzleSql(db, null);
    byDatabase.set(db, sql);
  }
  return sql;
}

/** Anything the runtime's functions accept as a database. */
export type Db = Sql | Database | DatabaseHandle;

function isSql(db: Db): db is Sql {
  return typeof (db as Partial<Sql>).afterCommit === "function";
}

function isHandle(db: Db): db is DatabaseHandle {
  return typeof (db as Partial<DatabaseHandle>).driver === "string" && "client" in db && "db" in db;
}

export function toSql(db: Db): Sql {
  if (isSql(db)) return db;
  if (isHandle(db)) return sqlForHandle(db);
  return sqlForDatabase(db);
}
