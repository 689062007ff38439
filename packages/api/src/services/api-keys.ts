import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { schema, type Database, type DatabaseHandle } from "@trellis/db";
import { acquireNotificationListener } from "@trellis/runtime";
import { apiScopeSchema, type ApiScope } from "../scopes";
import type { WorkspaceScope } from "./scope";
import { randomToken, sha256Hex } from "./tokens";

const KEY_PREFIX = "trl_live_";
// Writing last-used on every request would turn each read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key").max(80),
  scopes: z.array(apiScopeSchema).min(1, "Choose at least one scope"),
});
export const apiKeyIdInput = z.object({ apiKeyId: z.uuid() });

/** The key's caller: its workspace and what it may do. */
export interface ApiKeyPrincipal {
  keyId: string;
  workspaceId: string;
  scopes: ApiScope[];
}

/** Creates a key; the full key is returned now and never again. */
export async function createApiKey(scope: WorkspaceScope, input: z.infer<typeof createApiKeyInput>) {
  const key = `${KEY_PREFIX}${randomToken(24)}`;
  const [row] = await scope.db
    .insert(schema.apiKeys)
    .values({
      workspaceId: scope.workspaceId,
      name: input.name,
      prefix: key.slice(0, KEY_PREFIX.length + 4),
      hash: sha256Hex(key),
      scopes: [...new Set(input.scopes)],
      createdBy: scope.userId,
    })
    .returning({
      id: schema.apiKeys.id,
      name: schema.apiKeys.name,
      prefix: schema.apiKeys.prefix,
      scopes: schema.apiKeys.scopes,
      createdAt: schema.apiKeys.createdAt,
    });
  if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "API key was not created");
  return { ...row, key };
}

export function listApiKeys(scope: WorkspaceScope) {
  return scope.db
    .select({
      id: schema.apiKeys.id,
      name: schema.apiKeys.name,
      prefix: schema.apiKeys.prefix,
      scopes: schema.apiKeys.scopes,
      lastUsedAt: schema.apiKeys.lastUsedAt,
      revokedAt: schema.apiKeys.revokedAt,
      createdAt: schema.apiKeys.createdAt,
    })
    .from(schema.apiKeys)
    .where(eq(schema.apiKeys.workspaceId, scope.workspaceId))
    .orderBy(desc(schema.apiKeys.createdAt));
}

export async function revokeApiKey(scope: WorkspaceScope, input: z.infer<typeof apiKeyIdInput>) {
  const rows = await scope.db
    .update(schema.apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(schema.apiKeys.id, input.apiKeyId),
        eq(schema.apiKeys.workspaceId, scope.workspaceId),
        isNull(schema.apiKeys.revokedAt),
      ),
    )
    // Every process's key cache drops the key when this commits (this one's at once, below, too).
    .returning({ id: schema.apiKeys.id, notified: sql<string>`pg_notify(${API_KEYS_CHANNEL}, ${schema.apiKeys.id}::text)::text` });
  if (rows.length === 0) throw notFound("API key");
  invalidateCachedApiKey(input.apiKeyId);
}

// ---------------------------------------------------------------------------
// Authentication, with a per-process cache of key hash → principal.
//
// Authenticating every REST request against the database cost a round trip
// (two with the last-used touch) on the hottest paths. A server caches the
// principals of valid keys once it LISTENs on API_KEYS_CHANNEL; revoking a
// key NOTIFYs that channel in the revoking statement, so every process drops
// the key when the revocation commits (the revoking process at once). A
// lookup that raced an invalidation is not cached (the generation check), a
// lost LISTEN connection empties the cache when it is back, and entries expire
// after ENTRY_TTL_MS whatever happens (a backstop, not the mechanism).
// Unknown and revoked keys are never cached: they always ask the database.

/** NOTIFY payload: the id of a revoked key. */
export const API_KEYS_CHANNEL = "trellis_api_keys";
const ENTRY_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface CachedKey {
  principal: ApiKeyPrincipal;
  expiresAt: number;
  /** When this process last made sure last_used_at is recent. */
  touchedAt: number;
}

class ApiKeyCache {
  readonly entries = new Map<string, CachedKey>();
  /** Bumped by every invalidation: a lookup that started before one must not fill the cache. */
  generation = 0;
  listening = false;

  invalidate(keyId?: string): void {
    this.generation++;
    if (keyId === undefined) return this.entries.clear();
    for (const [hash, entry] of this.entries) if (entry.principal.keyId === keyId) this.entries.delete(hash);
  }
}

declare global {
  // Next.js loads instrumentation (which starts the cache) and route handlers as separate bundles.
  var __trellisApiKeyCaches: Map<Database, ApiKeyCache> | undefined;
}

const caches = () => (globalThis.__trellisApiKeyCaches ??= new Map());

/** Drops a key from this process's caches (a revocation in this process). */
function invalidateCachedApiKey(keyId: string): void {
  for (const cache of caches().values()) cache.invalidate(keyId);
}

/**
 * Starts caching authenticated keys for `handle`'s database in this process,
 * once LISTEN on the revocation channel is confirmed. The server calls this at
 * start; `stop` releases the LISTEN connection (before the database closes).
 */
export async function startApiKeyCache(handle: DatabaseHandle): Promise<{ stop(): Promise<void> }> {
  const cache = new ApiKeyCache();
  const shared = acquireNotificationListener(handle);
  const stopListening = await shared.listener.listen(API_KEYS_CHANNEL, (keyId) => cache.invalidate(keyId));
  // Revocations sent while the connection was down are lost: forget everything.
  const stopReconnect = shared.listener.onReconnect(() => cache.invalidate());
  cache.listening = true;
  caches().set(handle.db, cache);
  return {
    async stop() {
      cache.listening = false;
      cache.invalidate();
      if (caches().get(handle.db) === cache) caches().delete(handle.db);
      stopListening();
      stopReconnect();
      await shared.release();
    },
  };
}

const touchLastUsed = (db: Database, keyId: string) =>
  db
    .update(schema.apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(
      and(
        eq(schema.apiKeys.id, keyId),
        or(isNull(schema.apiKeys.lastUsedAt), lt(schema.apiKeys.lastUsedAt, new Date(Date.now() - LAST_USED_RESOLUTION_MS))),
      ),
    );

/** The principal behind a raw key; UNAUTHORIZED for unknown or revoked keys. */
export async function authenticateApiKey(db: Database, rawKey: string): Promise<ApiKeyPrincipal> {
  if (!rawKey.startsWith(KEY_PREFIX)) throw new AppError("UNAUTHORIZED", "Unknown API key");
  const hash = sha256Hex(rawKey);
  const cache = caches().get(db);
  const now = Date.now();
  const hit = cache?.listening ? cache.entries.get(hash) : undefined;
  if (hit && hit.expiresAt > now) {
    if (now - hit.touchedAt >= LAST_USED_RESOLUTION_MS) {
      hit.touchedAt = now;
      // Off the request's path: last-used is advisory, the answer does not wait for it.
      touchLastUsed(db, hit.principal.keyId).catch((error: unknown) => logger().warn({ err: error }, "touching an API key's last use failed"));
    }
    return hit.principal;
  }
  const generation = cache?.generation;
  const [row] = await db
    .select({
      id: schema.apiKeys.id,
      workspaceId: schema.apiKeys.workspaceId,
      scopes: schema.apiKeys.scopes,
      revokedAt: schema.apiKeys.revokedAt,
    })
    .from(schema.apiKeys)
    .where(eq(schema.apiKeys.hash, hash))
    .limit(1);
  if (!row) throw new AppError("UNAUTHORIZED", "Unknown API key");
  if (row.revokedAt) throw new AppError("UNAUTHORIZED", "This API key has been revoked");
  await touchLastUsed(db, row.id);
  const principal: ApiKeyPrincipal = { keyId: row.id, workspaceId: row.workspaceId, scopes: row.scopes as ApiScope[] };
  if (cache?.listening && cache.generation === generation) {
    if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
    cache.entries.set(hash, { principal, expiresAt: now + ENTRY_TTL_MS, touchedAt: now });
  }
  return principal;
}
