import path from "node:path";
import { dataDir, env, migrationsDir } from "@trellis/config";
import { openDatabase } from "./client";
import { migrate } from "./migrate";

// `npm run db:migrate`: applies drizzle/ to whatever DATABASE_URL names (or
// the embedded PGlite directory when it names nothing).
const config = env();
const handle = openDatabase({
  url: config.DATABASE_URL,
  driver: config.DATABASE_DRIVER,
  dataDir: path.join(dataDir(config), "pglite"),
});
try {
  await migrate(handle, migrationsDir(config));
  console.log(`migrations applied (${handle.driver})`);
} finally {
  await handle.close();
}
