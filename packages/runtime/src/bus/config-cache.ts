import type { DatabaseHandle } from "@trellis/db";
import { acquireNotificationListener } from "./notification-listener";

/**
 * The channel configuration changes are announced on, as `<table>:<id>` at
 * commit: by the triggers of migration 0006 when a webhook or a workflow's
 * latest version, concurrency limit or deletion changes (whatever wrote the
 * row), and by the statement that revokes an API key.
 */
export const CONFIG_CHANNEL = "trellis_config";

export interface ConfigChange {
  table: string;
  id: string;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

interface Store {
  entries: Map<string, Entry<unknown>>;
  /** Bumped by every invalidation: a load that started before one must not fill the cache. */
  generation: number;
  affected(value: unknown, change: ConfigChange): boolean;
}

interface Registry {
  /** Databases (by their Sql scope) whose configuration changes this process hears. */
  listening: Set<object>;
  /** Stores by cache name, then by database scope. */
  stores: Map<string, Map<object, Store>>;
}

declare global {
  // Next.js loads instrumentation (which starts listening) and route handlers as separate bundles.
  var __trellisConfigCaches: Registry | undefined;
}

const registry = (): Registry => (globalThis.__trellisConfigCaches ??= { listening: new Set(), stores: new Map() });

function parseChange(payload: string): ConfigChange | null {
  const colon = payload.indexOf(":");
  return colon > 0 ? { table: payload.slice(0, colon), id: payload.slice(colon + 1) } : null;
}

/**
 * A per-process cache of configuration rows read on hot paths (a webhook by
 * its slug, a workflow's latest version, an API key's principal), per
 * database. It caches only while
 * this process LISTENs for that database's configuration changes
 * (`startConfigCaches`); otherwise every `get` loads. A change drops the
 * entries it affects the moment its notification arrives; a change made by
 * this process is also dropped at once (`invalidateConfig`), so it reads its
 * own writes. Entries also expire after `ttlMs`, a bound on staleness should a
 * notification ever be missed without the connection dropping.
 */
export class ConfigCache<V> {
  constructor(
    private readonly name: string,
    private readonly options: { affected(value: V, change: ConfigChange): boolean; ttlMs?: number; maxEntries?: number },
  ) {}

  private store(scope: object): Store | undefined {
    const { listening, stores } = registry();
    if (!listening.has(scope)) return undefined;
    let byScope = stores.get(this.name);
    if (!byScope) stores.set(this.name, (byScope = new Map()));
    let store = byScope.get(scope);
    if (!store) {
      store = { entries: new Map(), generation: 0, affected: this.options.affected as Store["affected"] };
      byScope.set(scope, store);
    }
    return store;
  }

  /** The cached value of `key`, or `load()`'s (cached unless null or invalidated meanwhile). */
  async get(scope: object, key: string, load: () => Promise<V | null>): Promise<V | null> {
    const store = this.store(scope);
    if (!store) return load();
    const now = Date.now();
    const hit = store.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value as V;
    const generation = store.generation;
    const value = await load();
    if (value !== null && store.generation === generation) {
      if (store.entries.size >= (this.options.maxEntries ?? 10_000)) store.entries.clear();
      store.entries.set(key, { value, expiresAt: now + (this.options.ttlMs ?? 60_000) });
    }
    return value;
  }
}

function invalidateStores(stores: Iterable<Store>, change: ConfigChange | null): void {
  for (const store of stores) {
    store.generation++;
    if (!change) {
      store.entries.clear();
      continue;
    }
    for (const [key, entry] of store.entries) if (store.affected(entry.value, change)) store.entries.delete(key);
  }
}

/**
 * Drops what a change affects from this process's caches of every database at
 * once, before its notification arrives (call it after the change commits).
 */
export function invalidateConfig(change: ConfigChange): void {
  for (const byScope of registry().stores.values()) invalidateStores(byScope.values(), change);
}

/**
 * Starts caching configuration for `handle`'s database in this process, once
 * LISTEN on the configuration channel is confirmed. The server calls this at
 * start; `stop` releases the LISTEN connection (before the database closes).
 */
export async function startConfigCaches(handle: DatabaseHandle): Promise<{ stop(): Promise<void> }> {
  const scope = handle.client as object;
  const storesOf = () => [...registry().stores.values()].flatMap((byScope) => [...byScope.entries()].filter(([s]) => s === scope).map(([, store]) => store));
  const shared = acquireNotificationListener(handle);
  const stopListening = await shared.listener.listen(CONFIG_CHANNEL, (payload) => invalidateStores(storesOf(), parseChange(payload)));
  // Changes announced while the connection was down are lost: forget everything.
  const stopReconnect = shared.listener.onReconnect(() => invalidateStores(storesOf(), null));
  registry().listening.add(scope);
  return {
    async stop() {
      registry().listening.delete(scope);
      for (const byScope of registry().stores.values()) byScope.delete(scope);
      stopListening();
      stopReconnect();
      await shared.release();
    },
  };
}
