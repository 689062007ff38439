import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError, conflict, notFound } from "@trellis/config/errors";
import { postgresErrorCode, schema, UNIQUE_VIOLATION, type Database } from "@trellis/db";
import type { DataScope } from "./scope";
import { currentEncryptionKey, decryptSecret, encryptSecret } from "./secret-crypto";

const secrets = schema.secrets;

// Names are what workflows write as {{ secrets.NAME }}, so they must be JSONata identifiers.
export const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "Use letters, digits and underscores, not starting with a digit (at most 128)")
  // The runtime hands secrets over as an object keyed by name.
  .refine((name) => !["__proto__", "constructor", "prototype"].includes(name), "This name is reserved")
  .meta({ description: "Referred to in workflows as {{ secrets.NAME }}", example: "STRIPE_API_KEY" });
export const secretValueSchema = z
  .string()
  .min(1, "Enter the value")
  .max(64 * 1024, "Secrets are limited to 64 KiB")
  .meta({ description: "Write-only: it is encrypted at rest and never returned", writeOnly: true });

export const createSecretInput = z.object({ name: secretNameSchema, value: secretValueSchema });
export const secretIdInput = z.object({ secretId: z.uuid("Unknown secret") });
export const rotateSecretBody = z.object({ value: secretValueSchema });
export const rotateSecretInput = secretIdInput.extend(rotateSecretBody.shape);

export const secretSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
  rotatedAt: z.date().nullable().meta({ description: "When the value was last replaced; null if never" }),
});
export type SecretView = z.output<typeof secretSchema>;

const viewColumns = {
  id: secrets.id,
  name: secrets.name,
  createdBy: secrets.createdBy,
  createdAt: secrets.createdAt,
  rotatedAt: secrets.rotatedAt,
};

/** What the ciphertext is bound to (see encryptSecret). */
const contextOf = (workspaceId: string, name: string) => `${workspaceId}/${name}`;

export async function createSecret(scope: DataScope, input: z.infer<typeof createSecretInput>): Promise<SecretView> {
  try {
    const [row] = await scope.db
      .insert(secrets)
      .values({
        workspaceId: scope.workspaceId,
        name: input.name,
        ciphertext: encryptSecret(currentEncryptionKey(), input.value, contextOf(scope.workspaceId, input.name)),
        createdBy: scope.userId,
      })
      .returning(viewColumns);
    if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "The secret was not stored");
    return row;
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) {
      throw conflict(`A secret named ${input.name} already exists; rotate it to change its value`, { name: ["This name is taken"] });
    }
    throw error;
  }
}

/** Names and dates only: values never leave the server. */
export function listSecrets(scope: DataScope): Promise<SecretView[]> {
  return scope.db.select(viewColumns).from(secrets).where(eq(secrets.workspaceId, scope.workspaceId)).orderBy(asc(secrets.name));
}

/** Replaces the value; workflows keep referring to the same name. */
export async function rotateSecret(scope: DataScope, input: z.infer<typeof rotateSecretInput>): Promise<SecretView> {
  const ofWorkspace = and(eq(secrets.id, input.secretId), eq(secrets.workspaceId, scope.workspaceId));
  const [current] = await scope.db.select({ name: secrets.name }).from(secrets).where(ofWorkspace).limit(1);
  if (!current) throw notFound("Secret");
  const [row] = await scope.db
    .update(secrets)
    .set({
      ciphertext: encryptSecret(currentEncryptionKey(), input.value, contextOf(scope.workspaceId, current.name)),
      rotatedAt: sql`now()`,
    })
    .where(and(ofWorkspace, eq(secrets.name, current.name)))
    .returning(viewColumns);
  if (!row) throw notFound("Secret");
  return row;
}

export async function deleteSecret(scope: DataScope, input: z.infer<typeof secretIdInput>): Promise<void> {
  const rows = await scope.db
    .delete(secrets)
    .where(and(eq(secrets.id, input.secretId), eq(secrets.workspaceId, scope.workspaceId)))
    .returning({ id: secrets.id });
  if (rows.length === 0) throw notFound("Secret");
}

/**
 * Every secret of a workspace, decrypted, by name: what the runtime hands the
 * engine as `context.secrets` (which masks the values in everything a step
 * outputs, logs or throws). Server-side only; never send this to a client.
 */
export async function resolveWorkspaceSecrets(db: Database, workspaceId: string): Promise<Record<string, string>> {
  const rows = await db.select({ name: secrets.name, ciphertext: secrets.ciphertext }).from(secrets).where(eq(secrets.workspaceId, workspaceId));
  const key = currentEncryptionKey();
  const resolved: Record<string, string> = {};
  for (const row of rows) resolved[row.name] = decryptSecret(key, row.ciphertext, contextOf(workspaceId, row.name));
  return resolved;
}
