import { env, type Env } from "@trellis/config";
import { INNGEST_DRIVER } from "./events";

/**
 * Which driver executes new runs: Inngest when it is configured
 * (`INNGEST_EVENT_KEY`, or `INNGEST_DEV` for a local dev server), the embedded
 * driver otherwise. Kept apart from the driver itself so the run records can
 * default to it without importing the Inngest SDK.
 */
export function selectedDriver(config: Pick<Env, "INNGEST_EVENT_KEY" | "INNGEST_DEV"> = env()): "embedded" | typeof INNGEST_DRIVER {
  return config.INNGEST_EVENT_KEY || config.INNGEST_DEV ? INNGEST_DRIVER : "embedded";
}
