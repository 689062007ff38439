import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { schema, type Database } from "@trellis/db";
import { CONFIG_CHANNEL, ConfigCache, invalidateConfig, toSql } from "@trellis/runtime";
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
    .returning({ id: schema.apiKeys.id, notified: sql<string>`pg_notify(${CONFIG_CHANNEL}, 'api_keys:' || ${schema.apiKeys.id}::text)::text` });
  if (rows.length === 0) throw notFound("API key");
  invalidateConfig({ table: "api_keys", id: input.apiKeyId });
}

// ---------------------------------------------------------------------------
// Authentication, with a per-process cache of key hash → principal.
//
// Authenticating every REST request against the database cost a round trip
// (two with the last-used touch) on the hottest paths. Valid keys' principals
// live in a `ConfigCache` (active once the server LISTENs for configuration
// changes); revoking a key announces `api_keys:<id>` on the configuration
// channel in the revoking statement, so every process drops the key when the
// revocation commits (the revoking process at once). Entries expire after
// 30 s whatever happens (a backstop, not the mechanism). Unknown and revoked
// keys are never cached: they always ask the database.

interface CachedKey {
  principal: ApiKeyPrincipal;
  /** When this process last made sure last_used_at is recent. */
  touchedAt: number;
}

const apiKeysByHash = new ConfigCache<CachedKey>("api-key-by-hash", {
  affected: (entry, change) => change.table === "api_keys" && change.id === entry.principal.keyId,
  ttlMs: 30_000,
});

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

async function loadKey(db: Database, hash: string): Promise<CachedKey> {
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
  return { principal: { keyId: row.id, workspaceId: row.workspaceId, scopes: row.scopes as ApiScope[] }, touchedAt: Date.now() };
}

/** The principal behind a raw key; UNAUTHORIZED for unknown or revoked keys. */
export async function authenticateApiKey(db: Database, rawKey: string): Promise<ApiKeyPrincipal> {
  if (!rawKey.startsWith(KEY_PREFIX)) throw new AppError("UNAUTHORIZED", "Unknown API key");
  const hash = sha256Hex(rawKey);
  const entry = (await apiKeysByHash.get(toSql(db).scope, hash, () => loadKey(db, hash))) as CachedKey;
  const now = Date.now();
  if (now - entry.touchedAt >= LAST_USED_RESOLUTION_MS) {
    entry.touchedAt = now;
    // Off the request's path: last-used is advisory, the answer does not wait for it.
    touchLastUsed(db, entry.principal.keyId).catch((error: unknown) => logger().warn({ err: error }, "touching an API key's last use failed"));
  }
  return entry.principal;
}
