import { ConfigError, env } from "@trellis/config";
import { logger } from "@trellis/config/logger";
import { resolvePolicies, resolveWorkspaceSecrets, startNotificationDelivery } from "@trellis/api";
import { authSecret } from "@trellis/auth";
import { closeAppDatabase, getAppDatabase } from "@trellis/db";
import { closeRunEventBus, getInngestDriver, selectedDriver, startConfigCaches, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";

/**
 * Validates configuration (an invalid variable stops the app with a message
 * naming it), makes sure the auth secret exists, opens the database
 * (migrating the embedded PGlite on first start), unless Inngest runs the
 * workflows starts the embedded driver in this process, and starts delivering
 * run notifications (whichever driver finishes the runs, their outbox rows are
 * delivered from here). SIGTERM / SIGINT stop them in reverse order and close
 * the database last.
 */
export async function startServer() {
  let config;
  try {
    config = env();
    resolvePolicies(config.TRELLIS_RATE_LIMITS);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof Error) {
      console.error(`\n${error.message}\nFix the environment variable(s) above and start Trellis again.\n`);
      process.exit(1);
    }
    throw error;
  }
  authSecret();
  const handle = await getAppDatabase();
  const { db } = handle;
  // Both drivers hand nodes the workspace's secrets (when the version mentions any) and the network allow-list.
  const resolveContext = async ({ workspaceId, usesSecrets }: { workspaceId: string; usesSecrets: boolean }) => ({
    secrets: usesSecrets ? await resolveWorkspaceSecrets(db, workspaceId) : {},
    network: { allowedHosts: config.TRELLIS_ALLOWED_HOSTS },
  });
  let runtime: EmbeddedRuntime | null = null;
  if (selectedDriver(config) === "inngest") {
    getInngestDriver().configure({ resolveContext });
    logger().info("Inngest is configured: workflow runs execute on Inngest (served at /api/inngest)");
  } else {
    runtime = await startEmbeddedRuntime({ resolveContext });
  }
  const notifications = await startNotificationDelivery({ handle, allowedHosts: config.TRELLIS_ALLOWED_HOSTS });
  // API keys, webhook configurations and workflows' latest versions are read from memory, each dropped
  // when its change is announced on the configuration channel (LISTEN/NOTIFY).
  const configCaches = await startConfigCaches(handle);

  // Let steps in flight finish and hand unfinished runs back, let deliveries in flight end, then close the
  // run event bus's LISTEN connection before the database it listens on.
  const shutdown = () => {
    void (async () => {
      try {
        await runtime?.stop();
        await notifications.stop();
        await configCaches.stop();
        await closeRunEventBus(handle);
        await closeAppDatabase();
      } catch (error) {
        logger().error({ err: error }, "shutting down cleanly failed");
      }
    })().finally(() => process.exit(0));
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
