import { ConfigError, env } from "@trellis/config";
import { logger } from "@trellis/config/logger";
import { resolvePolicies, resolveWorkspaceSecrets } from "@trellis/api";
import { authSecret } from "@trellis/auth";
import { getAppDatabase } from "@trellis/db";
import { getInngestDriver, selectedDriver, startEmbeddedRuntime } from "@trellis/runtime";

/**
 * Validates configuration (an invalid variable stops the app with a message
 * naming it), makes sure the auth secret exists, opens the database
 * (migrating the embedded PGlite on first start) and, unless Inngest runs the
 * workflows, starts the embedded driver in this process.
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
  const { db } = await getAppDatabase();
  // Both drivers hand nodes the workspace's secrets and the network allow-list.
  const resolveContext = async ({ workspaceId }: { workspaceId: string }) => ({
    secrets: await resolveWorkspaceSecrets(db, workspaceId),
    network: { allowedHosts: config.TRELLIS_ALLOWED_HOSTS },
  });
  if (selectedDriver(config) === "inngest") {
    getInngestDriver().configure({ resolveContext });
    logger().info("Inngest is configured: workflow runs execute on Inngest (served at /api/inngest)");
    return;
  }
  const runtime = await startEmbeddedRuntime({ resolveContext });
  // Let steps in flight finish and hand unfinished runs back before exiting.
  const shutdown = () => {
    void runtime.stop().finally(() => process.exit(0));
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
