import { dataDir, env, persistedSecret, type Env } from "@trellis/config";
import { logger } from "@trellis/config/logger";

/**
 * The secret that signs session tokens. Embedded mode generates one into the
 * data directory; a deployment on a shared database must configure it, or each
 * instance would reject the others' sessions.
 */
export function authSecret(config: Env = env()): string {
  if (config.AUTH_SECRET) return config.AUTH_SECRET;
  if (config.DATABASE_URL && config.NODE_ENV === "production") {
    throw new Error("AUTH_SECRET must be set when DATABASE_URL is set: every instance must share it");
  }
  const { value, created } = persistedSecret(dataDir(config), "auth-secret");
  if (created) {
    logger().warn({ dir: dataDir(config) }, "AUTH_SECRET is not set: generated one and saved it in the data directory");
  }
  return value;
}
