import { ConfigError, env } from "@trellis/config";
import { authSecret } from "@trellis/auth";
import { getAppDatabase } from "@trellis/db";

/**
 * Validates configuration (an invalid variable stops the app with a message
 * naming it), makes sure the auth secret exists, and opens the database,
 * migrating the embedded PGlite on first start.
 */
export async function startServer() {
  try {
    env();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\nFix the environment variable(s) above and start Trellis again.\n`);
      process.exit(1);
    }
    throw error;
  }
  authSecret();
  await getAppDatabase();
}
