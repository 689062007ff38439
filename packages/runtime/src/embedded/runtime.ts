import { getAppDatabase, type DatabaseHandle } from "@trellis/db";
import { env } from "@trellis/config";
import { logger as appLogger, type Logger } from "@trellis/config/logger";
import type { NodeRegistry } from "@trellis/engine";
import { getRunEventBus, type RunEventBus } from "../bus/run-event-bus";
import { statisticsAreOurs, tableStatisticsJob } from "../maintenance/table-statistics";
import { retentionJob } from "../retention/retention";
import { schedulerJob } from "../scheduler/scheduler";
import { sqlForHandle } from "../sql/sql-client";
import { PlanCache, sharedPlanCache } from "./plan-cache";
import type { ResolveRunContext, RunContextExtras } from "./run-execution";
import { Waker } from "./waker";
import { EmbeddedWorker } from "./worker";

export interface EmbeddedRuntimeOptions {
  /** The database; the app's (`getAppDatabase()`) by default. */
  handle?: DatabaseHandle;
  /** Runs executing at once in this process (TRELLIS_WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Lease length (TRELLIS_LEASE_MS); the heartbeat renews it every third of it. */
  leaseMs?: number;
  /** Fallback poll (TRELLIS_POLL_INTERVAL_MS). */
  pollIntervalMs?: number;
  /** How long `stop()` lets steps in flight finish (TRELLIS_SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
  /** Node types; the built-in ones by default. */
  registry?: NodeRegistry;
  /**
   * Per-run context: secrets, variables, network allow-list. By default the
   * allow-list is TRELLIS_ALLOWED_HOSTS and there are no secrets; the web app
   * passes one that decrypts the workspace's secrets.
   */
  resolveContext?: ResolveRunContext;
  /** Which parts to run; all by default. */
  worker?: boolean;
  scheduler?: boolean;
  retention?: boolean;
  retentionIntervalMs?: number;
  /** ANALYZE the hot tables as they grow when no autovacuum does (default true; see maintenance/table-statistics.ts). */
  statistics?: boolean;
  logger?: Logger;
}

/** How often the statistics job looks for tables that grew. */
const STATISTICS_INTERVAL_MS = 5_000;

/** A started embedded runtime: worker, waker, scheduler and retention job of this process. */
export interface EmbeddedRuntime {
  /** The lease owner id of this process's worker (null when the worker is off). */
  readonly workerId: string | null;
  readonly bus: RunEventBus;
  /** Claims queued runs now. */
  wake(): void;
  /**
   * Graceful shutdown: stops claiming and scheduling, lets steps in flight
   * finish for up to `graceMs`, hands unfinished runs back to the queue.
   * Leaves the database open.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

declare global {
  var __trellisEmbeddedRuntime: Promise<EmbeddedRuntime> | undefined;
}

/**
 * Starts the embedded driver in this process. Without `handle` it runs
 * against the app's database and is a process-wide singleton (Next.js may
 * call instrumentation more than once); with a handle every call starts a new
 * runtime (tests, the benchmark, `npm run worker`).
 */
export function startEmbeddedRuntime(options: EmbeddedRuntimeOptions = {}): Promise<EmbeddedRuntime> {
  if (options.handle) return createRuntime(options.handle, options);
  globalThis.__trellisEmbeddedRuntime ??= getAppDatabase()
    .then((handle) => createRuntime(handle, options))
    .catch((error: unknown) => {
      globalThis.__trellisEmbeddedRuntime = undefined;
      throw error;
    });
  return globalThis.__trellisEmbeddedRuntime;
}

async function createRuntime(handle: DatabaseHandle, options: EmbeddedRuntimeOptions): Promise<EmbeddedRuntime> {
  const config = env();
  const log = (options.logger ?? appLogger()).child({ component: "embedded-runtime" });
  const sql = sqlForHandle(handle);
  const pollIntervalMs = options.pollIntervalMs ?? config.TRELLIS_POLL_INTERVAL_MS;
  const leaseMs = options.leaseMs ?? config.TRELLIS_LEASE_MS;
  const allowedHosts = config.TRELLIS_ALLOWED_HOSTS;
  const defaultContext: ResolveRunContext = () => ({ network: { allowedHosts } }) satisfies RunContextExtras;
  const bus = getRunEventBus(handle);

  const waker = new Waker(sql, pollIntervalMs, log);
  const worker =
    options.worker === false
      ? null
      : new EmbeddedWorker({
          sql,
          handle,
          concurrency: options.concurrency ?? config.TRELLIS_WORKER_CONCURRENCY,
          leaseMs,
          pollIntervalMs,
          planCache: options.registry ? new PlanCache(options.registry) : sharedPlanCache(),
          registry: options.registry,
          resolveContext: options.resolveContext ?? defaultContext,
          logger: log,
          wakeHint: (at) => waker.hint(at),
        });
  const scheduler = options.scheduler === false ? null : schedulerJob(sql, Math.max(pollIntervalMs, 1_000), log);
  const retention = options.retention === false ? null : retentionJob(sql, options.retentionIntervalMs ?? 3_600_000, log);
  // Where no autovacuum keeps the planner's statistics current (PGlite, or a server with it off), this process does.
  const statistics = options.statistics !== false && (await statisticsAreOurs(handle, sql)) ? tableStatisticsJob(sql, STATISTICS_INTERVAL_MS, log) : null;

  await worker?.start();
  waker.start();
  scheduler?.start(0);
  retention?.start(60_000);
  statistics?.start();
  log.info({ workerId: worker?.leaseOwner ?? null, driver: handle.driver }, "embedded runtime started");

  let stopping: Promise<void> | undefined;
  return {
    workerId: worker?.leaseOwner ?? null,
    bus,
    wake: () => worker?.wake(),
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        await scheduler?.stop();
        await retention?.stop();
        await statistics?.stop();
        await worker?.stop(stopOptions.graceMs ?? options.shutdownGraceMs ?? config.TRELLIS_SHUTDOWN_GRACE_MS);
        await waker.stop();
        if (globalThis.__trellisEmbeddedRuntime && !options.handle) globalThis.__trellisEmbeddedRuntime = undefined;
        log.info("embedded runtime stopped");
      })();
      return stopping;
    },
  };
}
