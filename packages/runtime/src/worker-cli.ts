import { chooseDriver, openDatabase } from "@trellis/db";
import { ConfigError, env } from "@trellis/config";
import { startConfigCaches } from "./bus/config-cache";
import { closeRunEventBus } from "./bus/run-event-bus";
import { startEmbeddedRuntime } from "./embedded/runtime";

// `npm run worker`: the embedded worker, waker, scheduler and retention job as
// a process of their own, next to (or instead of) the web server's.

async function main(): Promise<number> {
  let config;
  try {
    config = env();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    return 1;
  }
  if (!config.DATABASE_URL || chooseDriver({ url: config.DATABASE_URL, driver: config.DATABASE_DRIVER }) === "pglite") {
    console.error(
      [
        "npm run worker needs a PostgreSQL database: set DATABASE_URL=postgres://…",
        "Without DATABASE_URL Trellis uses the embedded PGlite database, which only one process may open:",
        "its worker runs inside the web server (npm run dev / npm start), so there is nothing to start here.",
      ].join("\n"),
    );
    return 1;
  }

  const handle = openDatabase({ url: config.DATABASE_URL, driver: config.DATABASE_DRIVER, poolMax: config.DATABASE_POOL_MAX });
  const runtime = await startEmbeddedRuntime({ handle });
  // Schedules and invocations start runs of workflows' latest versions: look them up from memory.
  const configCaches = await startConfigCaches(handle);
  console.error(`trellis worker ${runtime.workerId ?? ""} started (concurrency ${config.TRELLIS_WORKER_CONCURRENCY}); SIGTERM stops it gracefully`);

  // Nothing else may keep the process alive (every runtime timer is unref'd): this does until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.error(`${signal}: finishing steps in flight (up to ${config.TRELLIS_SHUTDOWN_GRACE_MS} ms), then releasing runs`);
      runtime
        .stop()
        .then(() => configCaches.stop())
        .then(() => closeRunEventBus(handle))
        .then(() => handle.close())
        .then(
          () => resolve(0),
          (error: unknown) => {
            console.error("shutdown failed", error);
            resolve(1);
          },
        );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  const code = await stopped;
  clearInterval(keepAlive);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("the worker failed to start", error);
    process.exit(1);
  },
);
