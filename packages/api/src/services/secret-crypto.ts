import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { dataDir, env, persistedSecret, type Env } from "@trellis/config";
import { logger } from "@trellis/config/logger";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key that encrypts workspace secrets. Embedded mode generates one into
 * the data directory, like the auth secret; a deployment on a shared database
 * must configure it, or each instance would encrypt with a key the others
 * cannot read.
 */
export function encryptionKey(config: Env = env()): Buffer {
  if (config.TRELLIS_ENCRYPTION_KEY) return Buffer.from(config.TRELLIS_ENCRYPTION_KEY, "base64");
  if (config.DATABASE_URL && config.NODE_ENV === "production") {
    throw new Error("TRELLIS_ENCRYPTION_KEY must be set when DATABASE_URL is set: every instance must share it");
  }
  const { value, created } = persistedSecret(dataDir(config), "encryption-key");
  if (created) {
    logger().warn({ dir: dataDir(config) }, "TRELLIS_ENCRYPTION_KEY is not set: generated one and saved it in the data directory");
  }
  // persistedSecret writes 32 random bytes as base64url.
  return Buffer.from(value, "base64url");
}

let processKey: Buffer | undefined;

/** The configured key, read once per process. */
export function currentEncryptionKey(): Buffer {
  processKey ??= encryptionKey();
  return processKey;
}

/**
 * AES-256-GCM with a fresh random 12-byte IV per value, stored as base64 of
 * iv ‖ tag ‖ ciphertext. `context` is authenticated but not stored: binding
 * the ciphertext to its workspace and name means a row copied elsewhere (or a
 * value swapped between two secrets) fails to decrypt instead of leaking.
 */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
}

/** Thrown when a stored value does not authenticate: another key, another context, or tampering. */
export class SecretDecryptionError extends Error {
  constructor(readonly context: string) {
    super(`Secret ${context} cannot be decrypted: the encryption key changed or the stored value was altered`);
    this.name = "SecretDecryptionError";
  }
}

export function decryptSecret(key: Buffer, stored: string, context: string): string {
  const bytes = Buffer.from(stored, "base64");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError(context);
  const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError(context);
  }
}
