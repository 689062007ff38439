import type { DatabaseHandle } from "@trellis/db";
import { logger } from "@trellis/config/logger";

type Handler = (payload: string) => void;

/**
 * LISTEN on PostgreSQL channels. On node-postgres and Neon it holds one
 * dedicated connection (a pooled connection cannot LISTEN: notifications go to
 * the session that asked) and reconnects with back-off when it is lost; on
 * PGlite it uses PGlite's own `listen`.
 */
export interface NotificationListener {
  /** Resolves once the server has confirmed the LISTEN. */
  listen(channel: string, handler: Handler): Promise<() => void>;
  /** Called after a lost connection is re-established: notifications sent in between are gone. */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

interface PgClientLike {
  query(text: string): Promise<unknown>;
  on(event: "notification", listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: "error" | "end", listener: (error?: Error) => void): unknown;
  release(error?: Error | boolean): void;
}

interface PgPoolLike {
  connect(): Promise<PgClientLike>;
}

interface PgliteLike {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

const quote = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

abstract class BaseListener implements NotificationListener {
  protected readonly handlers = new Map<string, Set<Handler>>();
  protected readonly reconnectHandlers = new Set<() => void>();
  protected closed = false;

  protected dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        logger().error({ err: error, channel }, "a notification handler threw");
      }
    }
  }

  async listen(channel: string, handler: Handler): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    await this.subscribeChannel(channel);
    return () => {
      set.delete(handler);
    };
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  protected abstract subscribeChannel(channel: string): Promise<void>;
  abstract close(): Promise<void>;
}

class PgListener extends BaseListener {
  private client: PgClientLike | null = null;
  private connecting: Promise<PgClientLike> | null = null;
  private readonly listening = new Set<string>();
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly pool: PgPoolLike) {
    super();
  }

  protected async subscribeChannel(channel: string): Promise<void> {
    const client = await this.connection();
    if (this.listening.has(channel)) return;
    await client.query(`LISTEN ${quote(channel)}`);
    this.listening.add(channel);
  }

  private connection(): Promise<PgClientLike> {
    if (this.closed) return Promise.reject(new Error("the notification listener is closed"));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<PgClientLike> {
    const client = await this.pool.connect();
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.connectionLost(client, error);
    };
    client.on("error", onLost);
    client.on("end", () => onLost(new Error("connection ended")));
    client.on("notification", (message) => this.dispatch(message.channel, message.payload ?? ""));
    try {
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quote(channel)}`);
    } catch (error) {
      onLost(error as Error);
      throw error;
    }
    this.listening.clear();
    for (const channel of this.handlers.keys()) this.listening.add(channel);
    this.client = client;
    this.retryMs = 100;
    return client;
  }

  private connectionLost(client: PgClientLike, error: Error | undefined): void {
    if (this.client === client) this.client = null;
    this.listening.clear();
    try {
      client.release(error ?? true);
    } catch {
      // Already released by the pool after the error.
    }
    if (this.closed) return;
    logger().warn({ err: error }, "LISTEN connection lost; reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connection().then(
        () => {
          for (const handler of this.reconnectHandlers) handler();
        },
        (error: unknown) => {
          logger().warn({ err: error }, "LISTEN reconnect failed; retrying");
          this.retryMs = Math.min(this.retryMs * 2, 5_000);
          this.scheduleReconnect();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    // Destroyed rather than returned: a pooled connection must not keep this listener's handlers or its LISTENs.
    client?.release(true);
  }
}

class PgliteListener extends BaseListener {
  private readonly unsubscribers = new Map<string, Promise<() => Promise<void>>>();

  constructor(private readonly client: PgliteLike) {
    super();
  }

  protected async subscribeChannel(channel: string): Promise<void> {
    let pending = this.unsubscribers.get(channel);
    if (!pending) {
      pending = this.client.listen(channel, (payload) => this.dispatch(channel, payload));
      this.unsubscribers.set(channel, pending);
    }
    await pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.unsubscribers.values()];
    this.unsubscribers.clear();
    for (const unsubscribe of pending) await (await unsubscribe)().catch(() => undefined);
  }
}

interface SharedListener {
  listener: NotificationListener;
  users: number;
}

declare global {
  var __trellisNotificationListeners: WeakMap<DatabaseHandle, SharedListener> | undefined;
}

/**
 * The process's listener for a database, shared by the bus and the worker
 * (one LISTEN connection per process, whichever copy of this module asks:
 * the registry is on globalThis). Call `release` once when done.
 */
export function acquireNotificationListener(handle: DatabaseHandle): { listener: NotificationListener; release(): Promise<void> } {
  const shared = (globalThis.__trellisNotificationListeners ??= new WeakMap());
  let entry = shared.get(handle);
  if (!entry) {
    const listener =
      handle.driver === "pglite"
        ? new PgliteListener(handle.client as unknown as PgliteLike)
        : new PgListener(handle.client as unknown as PgPoolLike);
    entry = { listener, users: 0 };
    shared.set(handle, entry);
  }
  entry.users++;
  const current = entry;
  let released = false;
  return {
    listener: current.listener,
    async release() {
      if (released) return;
      released = true;
      current.users--;
      if (current.users > 0) return;
      if (shared.get(handle) === current) shared.delete(handle);
      await current.listener.close();
    },
  };
}
