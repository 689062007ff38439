import { Inngest, NonRetriableError, referenceFunction, type InngestFunction } from "inngest";
import { env, type Env } from "@trellis/config";
import { logger as appLogger, type Logger } from "@trellis/config/logger";
import { getAppDatabase, type DatabaseHandle } from "@trellis/db";
import type { NodeRegistry } from "@trellis/engine";
import { PlanCache, sharedPlanCache } from "../embedded/plan-cache";
import type { ResolveRunContext, RunContextExtras } from "../embedded/run-execution";
import type { SendEventInput, SentEvent } from "../lifecycle/run-events-delivery";
import { startRuns, type StartRunInput, type StartRunsInput } from "../lifecycle/start-run";
import type { CreatedRun } from "../records/runs";
import { sqlForHandle, type Db } from "../sql/sql-client";
import { dispatchable, dispatchQueuedRuns, dispatchRuns, fireSchedulesOnInngest, type DispatchableRun, type InngestSender } from "./dispatch";
import {
  INNGEST_APP_ID,
  INNGEST_DRIVER,
  INNGEST_EVENTS,
  RunRequestedDataSchema,
  SCHEDULES_FUNCTION_ID,
  WORKFLOW_RUN_FUNCTION_ID,
  type RunRequestedData,
} from "./events";
import { CANCEL_EXPRESSION } from "./expressions";
import { afterEventSent, afterRunResumed, afterRunsCancelled } from "./lifecycle-hooks";
import { runWorkflowOnInngest, type WorkflowRunEnvironment, type WorkflowRunOutcome } from "./run-function";
import type { InngestSteps } from "./step-tools";

export { selectedDriver } from "./selection";

/**
 * The Inngest client, configured from our validated environment (the SDK
 * would otherwise read `process.env` itself). Without `INNGEST_DEV` it runs in
 * cloud mode, which needs `INNGEST_SIGNING_KEY` to serve requests.
 */
export function createInngestClient(
  config: Pick<Env, "INNGEST_EVENT_KEY" | "INNGEST_SIGNING_KEY" | "INNGEST_DEV"> & Partial<Pick<Env, "INNGEST_BASE_URL" | "INNGEST_ENV">> = env(),
  logger: Logger = appLogger().child({ component: "inngest" }),
): Inngest {
  return new Inngest({
    id: INNGEST_APP_ID,
    eventKey: config.INNGEST_EVENT_KEY,
    signingKey: config.INNGEST_SIGNING_KEY,
    isDev: config.INNGEST_DEV,
    baseUrl: config.INNGEST_BASE_URL,
    env: config.INNGEST_ENV,
    logger,
  });
}

/**
 * Inngest's concurrency limit is static per function: this one applies per
 * workflow (the key) to executing steps, an upper bound for every workflow. A
 * workflow's own `concurrencyLimit` is enforced by the function's admission
 * (`workflowHasRoom`), see ARCHITECTURE.md.
 */
export const DEFAULT_WORKFLOW_CONCURRENCY = 10;

export interface InngestDriverOptions {
  client?: Inngest;
  /** The database; the app's (`getAppDatabase()`) by default. */
  database?: () => DatabaseHandle | Promise<DatabaseHandle>;
  /** Node types; the built-in ones by default. */
  registry?: NodeRegistry;
  /** Per-run secrets, variables and network allow-list; by default the allow-list is TRELLIS_ALLOWED_HOSTS. */
  resolveContext?: ResolveRunContext;
  /** Steps of one workflow's runs executing at once (Inngest's `concurrency` keyed by workflow). */
  workflowConcurrency?: number;
  /** How events reach Inngest; `client.send` by default. */
  send?: InngestSender;
  /** When the schedules function runs; every minute by default. */
  scheduleCron?: string;
  /** How long a paused run waits for its resume event between looks at the database; see PAUSE_RECHECK_MS. */
  pauseRecheckMs?: readonly number[];
  /** How long a run waiting for room in its workflow's concurrency limit waits between looks; see SLOT_RECHECK_MS. */
  slotRecheckMs?: readonly number[];
  logger?: Logger;
}

/** The Inngest driver: the client, the functions to serve, and the services that start and steer its runs. */
export interface InngestDriver {
  readonly client: Inngest;
  /** Executes one run (`trellis/run.requested`, or a parent's `step.invoke`). */
  readonly workflowRun: InngestFunction.Any;
  /** Fires due schedules and dispatches runs nobody sent, every minute. */
  readonly schedules: InngestFunction.Any;
  /** What `/api/inngest` serves. */
  readonly functions: InngestFunction.Any[];
  readonly send: InngestSender;
  /** Starts a run on Inngest: creates its record (driver "inngest") and sends its event. Outside a transaction (see ARCHITECTURE.md). */
  startRun(db: Db, input: Omit<StartRunInput, "driver">): Promise<CreatedRun>;
  startRuns(db: Db, input: Omit<StartRunsInput, "driver">): Promise<CreatedRun[]>;
  /** Sends the start events of runs already recorded on the Inngest driver (see `dispatchRuns`). */
  dispatch(db: Db, runs: readonly DispatchableRun[]): Promise<number>;
  /** The outbox sweep (also run by the schedules function). */
  dispatchQueuedRuns(db: Db, options?: { graceMs?: number; limit?: number }): Promise<number>;
  /** Lifecycle hooks: see lifecycle-hooks.ts. */
  afterRunsCancelled(db: Db, runIds: readonly string[]): Promise<void>;
  afterRunResumed(db: Db, runId: string): Promise<void>;
  afterEventSent(db: Db, input: SendEventInput, sent: SentEvent): Promise<void>;
  /** Sets the per-run context resolver (the web app's secrets) after the driver was created. */
  configure(options: { resolveContext?: ResolveRunContext }): void;
}

export function createInngestDriver(options: InngestDriverOptions = {}): InngestDriver {
  const log = options.logger ?? appLogger().child({ component: "inngest-driver" });
  const client = options.client ?? createInngestClient();
  const send: InngestSender = options.send ?? ((events) => client.send(events));
  const planCache = options.registry ? new PlanCache(options.registry) : sharedPlanCache();
  const settings: { resolveContext?: ResolveRunContext } = { resolveContext: options.resolveContext };
  const deps = { send, logger: log };

  const environment = async (): Promise<WorkflowRunEnvironment> => {
    const handle = await (options.database ?? getAppDatabase)();
    const allowedHosts = env().TRELLIS_ALLOWED_HOSTS;
    return {
      sql: sqlForHandle(handle),
      planCache,
      registry: options.registry,
      resolveContext: settings.resolveContext ?? (() => ({ network: { allowedHosts } }) satisfies RunContextExtras),
      logger: log,
      pauseRecheckMs: options.pauseRecheckMs,
      slotRecheckMs: options.slotRecheckMs,
      send,
    };
  };

  const self = referenceFunction({ functionId: WORKFLOW_RUN_FUNCTION_ID });

  const workflowRun = client.createFunction(
    {
      id: WORKFLOW_RUN_FUNCTION_ID,
      name: "Workflow run",
      triggers: [{ event: INNGEST_EVENTS.runRequested }],
      // Keyed by workflow; Inngest counts executing steps, so runs parked in sleeps and waits hold no slot.
      concurrency: [{ key: "event.data.workflowId", limit: options.workflowConcurrency ?? DEFAULT_WORKFLOW_CONCURRENCY }],
      priority: { run: "event.data.priority" },
      cancelOn: [{ event: INNGEST_EVENTS.runCancelled, if: CANCEL_EXPRESSION }],
      // One function run per run record, however often its event is sent.
      idempotency: "event.data.runId",
      // Node failures are results the engine retries itself (its back-offs are steps); an Inngest retry would replay them.
      retries: 0,
    },
    async ({ event, step, runId }): Promise<WorkflowRunOutcome> => {
      const parsed = RunRequestedDataSchema.safeParse(event.data);
      if (!parsed.success) throw new NonRetriableError(`${event.name} carries no valid run reference: ${parsed.error.message}`);
      const steps: InngestSteps = {
        run: (id, fn) => step.run(id, fn) as Promise<never>,
        sleep: (id, durationMs) => step.sleep(id, durationMs),
        sleepUntil: (id, until) => step.sleepUntil(id, until),
        waitForEvent: (id, waitOptions) => step.waitForEvent(id, waitOptions) as Promise<{ data: Record<string, unknown> } | null>,
        invokeRun: (id, data: RunRequestedData) => step.invoke(id, { function: self, data }),
      };
      const outcome = await runWorkflowOnInngest({ data: parsed.data, steps, inngestRunId: runId }, await environment());
      // Failed runs show as failed in the Inngest dashboard too (after their records were finished).
      if (outcome.status === "failed") throw new NonRetriableError(outcome.error?.message ?? "the run failed", { cause: outcome });
      return outcome;
    },
  );

  const schedules = client.createFunction(
    {
      id: SCHEDULES_FUNCTION_ID,
      name: "Workflow schedules",
      triggers: [{ cron: options.scheduleCron ?? "* * * * *" }],
      concurrency: 1,
      retries: 0,
    },
    async ({ step }) => {
      const { sql } = await environment();
      const tick = await step.run("fire due schedules", () => fireSchedulesOnInngest(sql));
      const dispatched = await step.run("dispatch queued runs", async () => {
        const fresh = await dispatchRuns(sql, tick.runs, deps);
        return fresh + (await dispatchQueuedRuns(sql, deps));
      });
      return { started: tick.started, dispatched };
    },
  );

  return {
    client,
    workflowRun,
    schedules,
    functions: [workflowRun, schedules],
    send,
    async startRun(db, input) {
      const [created] = await this.startRuns(db, {
        ...input,
        items: [{ input: input.input, idempotencyKey: input.idempotencyKey, priority: input.priority }],
      });
      if (!created) throw new Error("starting a run returned nothing");
      return created;
    },
    async startRuns(db, input) {
      const created = await startRuns(db, { ...input, driver: INNGEST_DRIVER, planCache: input.planCache ?? planCache });
      await dispatchRuns(db, dispatchable(created), deps);
      return created;
    },
    dispatch: (db, runs) => dispatchRuns(db, runs, deps),
    dispatchQueuedRuns: (db, sweep) => dispatchQueuedRuns(db, deps, sweep),
    afterRunsCancelled: (db, runIds) => afterRunsCancelled(db, runIds, deps),
    afterRunResumed: (db, runId) => afterRunResumed(db, runId, deps),
    afterEventSent: (db, input, sent) => afterEventSent(db, input, sent, deps),
    configure(update) {
      if (update.resolveContext) settings.resolveContext = update.resolveContext;
    },
  };
}

declare global {
  var __trellisInngestDriver: InngestDriver | undefined;
}

/**
 * The process's driver, configured from the environment (kept on globalThis:
 * Next.js loads route handlers and instrumentation as separate module graphs).
 */
export function getInngestDriver(): InngestDriver {
  globalThis.__trellisInngestDriver ??= createInngestDriver();
  return globalThis.__trellisInngestDriver;
}

/** The client `/api/inngest` serves with. */
export function inngestClient(): Inngest {
  return getInngestDriver().client;
}

/** The functions `/api/inngest` serves. */
export function inngestFunctions(): InngestFunction.Any[] {
  return getInngestDriver().functions;
}
