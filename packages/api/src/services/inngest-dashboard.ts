import { env, type Env } from "@trellis/config";
import { INNGEST_APP_ID, INNGEST_DRIVER, WORKFLOW_RUN_FUNCTION_ID } from "@trellis/runtime";

/** The settings a dashboard link depends on. */
export type InngestDashboardConfig = Pick<Env, "INNGEST_DEV"> & Partial<Pick<Env, "INNGEST_BASE_URL" | "INNGEST_ENV">>;

/** What a run record says about where Inngest executed it. */
export interface InngestRunRef {
  driver: string;
  /** The start event's id until the function starts, then the Inngest run id (see the runtime's inngest/ARCHITECTURE.md). */
  externalRunId: string | null;
  startedAt: Date | null;
}

const CLOUD_DASHBOARD = "https://app.inngest.com";
const DEV_SERVER = "http://localhost:8288";

/**
 * The page of the Inngest dashboard that shows a run, or null for a run the
 * embedded driver executed. Once the function has started the run,
 * `external_run_id` holds the Inngest run id and the link opens that run;
 * before that it holds the start event's id, which the dashboards cannot open
 * by URL, so the link opens the `workflow-run` function's runs instead.
 *
 * A dev server or a self-hosted Inngest (`INNGEST_DEV`, `INNGEST_BASE_URL`)
 * serves its UI at its own address: `/run?runID=…` and `/runs`. Inngest Cloud
 * at `app.inngest.com/env/<env>/runs/<id>` and `…/functions/<app>-<function>`.
 */
export function inngestRunUrl(run: InngestRunRef, config: InngestDashboardConfig = env()): string | null {
  if (run.driver !== INNGEST_DRIVER) return null;
  const inngestRunId = run.startedAt && run.externalRunId ? run.externalRunId : null;
  if (config.INNGEST_DEV || config.INNGEST_BASE_URL) {
    const base = (config.INNGEST_BASE_URL ?? DEV_SERVER).replace(/\/+$/, "");
    return inngestRunId ? `${base}/run?runID=${encodeURIComponent(inngestRunId)}` : `${base}/runs`;
  }
  const environment = `${CLOUD_DASHBOARD}/env/${encodeURIComponent(config.INNGEST_ENV ?? "production")}`;
  return inngestRunId
    ? `${environment}/runs/${encodeURIComponent(inngestRunId)}`
    : `${environment}/functions/${encodeURIComponent(`${INNGEST_APP_ID}-${WORKFLOW_RUN_FUNCTION_ID}`)}`;
}
