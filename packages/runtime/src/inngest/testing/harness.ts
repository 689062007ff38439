import { InngestTestEngine } from "@inngest/test";
import type { Context } from "inngest";
import { and, eq } from "drizzle-orm";
import { schema, type DatabaseHandle } from "@trellis/db";
import { approvalEventName, type NodeRegistry } from "@trellis/engine";
import { childRunKey } from "../../embedded/durable-step-tools";
import { cancelRun, pauseRun, resumeRun } from "../../lifecycle/run-control";
import { decideApproval, sendEvent, type DecideApprovalInput, type SendEventInput, type SentEvent } from "../../lifecycle/run-events-delivery";
import type { RunRef } from "../../lifecycle/run-loader";
import type { RunRecord } from "../../records/run-record";
import type { InngestEventPayload } from "../dispatch";
import { createInngestClient, createInngestDriver, type InngestDriver } from "../driver";
import { INNGEST_EVENTS, type RunRequestedData } from "../events";
import { celMatches } from "./cel";

/** Inngest steps the test answers itself (InngestTestEngine cannot run them): their ids, per run. */
export interface InngestMocks {
  /** `step.sleepUntil` ids that elapse at once, as Inngest's timer would later. */
  sleeps?: readonly string[];
  /** `step.invoke` ids; the child run is executed through the same function, against the same database. */
  invokes?: readonly string[];
  /** What happens in the world while a listed sleep elapses (run before the sleep is answered). */
  whileSleeping?: Readonly<Record<string, () => Promise<void>>>;
  /** `step.waitForEvent` ids that time out only when the test says so (`expireWait`), not after their timeout. */
  heldWaits?: readonly string[];
}

export interface ExecutionResult {
  result?: unknown;
  error?: unknown;
}

type StepFn = (...args: unknown[]) => unknown;

interface WaitOptions {
  event: string;
  if: string;
  timeout: number;
}

/**
 * Drives the real `workflow-run` function with `@inngest/test`'s
 * InngestTestEngine against a real database: no Inngest server exists here.
 * What stands in for Inngest's server is kept to what the engine cannot do:
 *
 * - Events the driver sends are captured in `sent`, Inngest's event stream.
 * - `step.waitForEvent` is replaced (mocking it through `steps` fails in
 *   inngest 4): it resolves with the first event sent after the wait was
 *   first reached whose name matches and for which the wait's own `if`
 *   expression holds (see cel.ts), or with null after its timeout, in real
 *   time — as Inngest does.
 * - Sleeps and invocations are answered through `steps` (InngestMocks); an
 *   unlisted one throws instead of leaving the engine looping forever.
 * - InngestTestEngine re-executes a parallel step when another parallel chain
 *   finds it still unmemoized; Inngest executes each step once, so the second
 *   execution here gets the first one's result.
 */
export class InngestHarness {
  readonly driver: InngestDriver;
  /** Every event the driver sent to "Inngest", in order. */
  readonly sent: InngestEventPayload[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Held waits the test expired, and the pending calls of held waits (InngestTestEngine re-executes the function). */
  private readonly expiredWaits = new Set<string>();
  private readonly heldWaitCalls = new Map<string, Set<() => void>>();

  /** Every sleep, wait and invocation the function asked Inngest for, with its arguments. */
  readonly calls: { tool: "sleep" | "sleepUntil" | "invoke" | "waitForEvent"; id: string; args: unknown[] }[] = [];

  constructor(
    private readonly handle: DatabaseHandle,
    options: { registry?: NodeRegistry; pauseRecheckMs?: readonly number[]; send?: (events: InngestEventPayload[]) => void } = {},
  ) {
    this.driver = createInngestDriver({
      pauseRecheckMs: options.pauseRecheckMs,
      client: createInngestClient({ INNGEST_DEV: true, INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: undefined }),
      database: () => handle,
      registry: options.registry,
      send: async (events) => {
        // A test's own sender may refuse (an Inngest outage).
        options.send?.(events);
        const from = this.sent.length;
        this.sent.push(...events);
        for (const listener of [...this.listeners]) listener();
        return { ids: events.map((_, i) => `evt-${from + i}`) };
      },
    });
  }

  /** The events sent with `name`, optionally about one run. */
  eventsNamed(name: string, runId?: string): InngestEventPayload[] {
    return this.sent.filter((event) => event.name === name && (runId === undefined || event.data.runId === runId));
  }

  /** Executes the run the driver dispatched (its `trellis/run.requested` event) until the function returns. */
  execute(runId: string, mocks: InngestMocks = {}): Promise<ExecutionResult> {
    const event = this.eventsNamed(INNGEST_EVENTS.runRequested, runId)[0];
    if (!event) throw new Error(`no ${INNGEST_EVENTS.runRequested} event was sent for run ${runId}`);
    return this.executeEvent(event, mocks);
  }

  /** Executes the function for one triggering event. */
  async executeEvent(event: InngestEventPayload, mocks: InngestMocks = {}): Promise<ExecutionResult> {
    const sleeps = new Set(mocks.sleeps ?? []);
    const invokes = new Set(mocks.invokes ?? []);
    const heldWaits = new Set(mocks.heldWaits ?? []);
    const waitsFrom = new Map<string, number>();
    const stepResults = new Map<string, Promise<unknown>>();
    const runId = String(event.data.runId);
    const trigger = { name: event.name, data: event.data };
    const engine = new InngestTestEngine({
      function: this.driver.workflowRun,
      events: [{ name: event.name, data: event.data }],
      steps: [
        ...[...sleeps].map((id) => ({
          id,
          handler: async () => {
            await mocks.whileSleeping?.[id]?.();
            return null;
          },
        })),
        ...[...invokes].map((id) => ({ id, handler: () => this.executeChild(runId, id, mocks) })),
      ],
      transformCtx: (raw: Context.Any): Context.Any => {
        const step = { ...raw.step } as unknown as Record<string, StepFn>;
        const original = raw.step as unknown as Record<string, StepFn>;
        step.run = (id, fn, ...rest) =>
          (original.run as StepFn)(
            id,
            () => {
              let result = stepResults.get(String(id));
              if (!result) {
                result = Promise.resolve((fn as () => unknown)());
                stepResults.set(String(id), result);
              }
              return result;
            },
            ...rest,
          );
        for (const [name, allowed] of [
          ["sleep", sleeps],
          ["sleepUntil", sleeps],
          ["invoke", invokes],
        ] as const) {
          step[name] = (id, ...rest) => {
            this.calls.push({ tool: name, id: String(id), args: rest });
            if (!allowed.has(String(id))) throw new Error(`unmocked step.${name}("${String(id)}"): list it in the test's Inngest mocks`);
            return (original[name] as StepFn)(id, ...rest);
          };
        }
        step.waitForEvent = (id, options) => {
          this.calls.push({ tool: "waitForEvent", id: String(id), args: [options] });
          return this.waitForEvent(waitsFrom, String(id), options as WaitOptions, trigger, heldWaits.has(String(id)));
        };
        return { ...raw, step } as unknown as Context.Any;
      },
    });
    const output = (await engine.execute()) as ExecutionResult;
    return { result: output.result, error: output.error };
  }

  /** Executes the schedules function once, as its cron trigger would. */
  async executeSchedules(): Promise<ExecutionResult> {
    const output = (await new InngestTestEngine({ function: this.driver.schedules }).execute()) as ExecutionResult;
    return { result: output.result, error: output.error };
  }

  /** Times out a held wait (see `InngestMocks.heldWaits`), as Inngest does when its timeout passes first. */
  expireWait(id: string): void {
    this.expiredWaits.add(id);
    for (const expire of this.heldWaitCalls.get(id) ?? []) expire();
    this.heldWaitCalls.delete(id);
  }

  /** Stops the timers of waits nobody resolved (executions InngestTestEngine abandoned). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  // Lifecycle services with the Inngest hooks called where ARCHITECTURE.md asks the services to call them.

  async sendEvent(input: SendEventInput): Promise<SentEvent> {
    const sent = await sendEvent(this.handle, input);
    await this.driver.afterEventSent(this.handle, input, sent);
    return sent;
  }

  async decideApproval(input: DecideApprovalInput): Promise<void> {
    await decideApproval(this.handle, input);
    // The event decideApproval sends through sendEvent, whose hook forwards it.
    const payload = {
      runId: input.runId,
      decision: input.decision,
      ...(input.by === undefined ? {} : { by: input.by }),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
    };
    await this.driver.afterEventSent(
      this.handle,
      { workspaceId: input.workspaceId, runId: input.runId, name: approvalEventName(input.stepId), payload },
      { runIds: [input.runId] },
    );
  }

  async cancel(ref: RunRef): Promise<RunRecord> {
    const run = await cancelRun(this.handle, ref);
    const children = await this.handle.db
      .select({ id: schema.runs.id })
      .from(schema.runs)
      .where(and(eq(schema.runs.parentRunId, run.id), eq(schema.runs.workspaceId, ref.workspaceId)));
    await this.driver.afterRunsCancelled(this.handle, [run.id, ...children.map((child) => child.id)]);
    return run;
  }

  pause(ref: RunRef): Promise<RunRecord> {
    return pauseRun(this.handle, ref);
  }

  async resume(ref: RunRef): Promise<RunRecord> {
    const run = await resumeRun(this.handle, ref);
    await this.driver.afterRunResumed(this.handle, run.id);
    return run;
  }

  private waitForEvent(waitsFrom: Map<string, number>, id: string, options: WaitOptions, trigger: { name: string; data: unknown }, held: boolean) {
    // Inngest matches only events that arrive after the wait was registered: the first time any execution reached it.
    const from = waitsFrom.get(id) ?? this.sent.length;
    waitsFrom.set(id, from);
    return new Promise<{ name: string; data: Record<string, unknown>; id: string; ts: number } | null>((resolve) => {
      const finish = (value: { name: string; data: Record<string, unknown>; id: string; ts: number } | null) => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      const check = () => {
        const index = this.sent.findIndex(
          (event, i) => i >= from && event.name === options.event && celMatches(options.if, { async: { name: event.name, data: event.data }, event: trigger }),
        );
        const event = this.sent[index];
        if (event) finish({ name: event.name, data: event.data, id: `evt-${index}`, ts: Date.now() });
      };
      if (held && this.expiredWaits.has(id)) return resolve(null);
      // A held wait times out when the test expires it; any other after its timeout, in real time.
      const timer = setTimeout(() => finish(null), held ? 2_147_483_647 : options.timeout);
      this.timers.add(timer);
      if (held) {
        const calls = this.heldWaitCalls.get(id) ?? new Set<() => void>();
        calls.add(() => finish(null));
        this.heldWaitCalls.set(id, calls);
      }
      this.listeners.add(check);
      check();
    });
  }

  private async executeChild(parentRunId: string, stepId: string, mocks: InngestMocks): Promise<unknown> {
    const [child] = await this.handle.db
      .select()
      .from(schema.runs)
      .where(eq(schema.runs.idempotencyKey, childRunKey(parentRunId, stepId)));
    if (!child) throw new Error(`step ${stepId} of run ${parentRunId} created no child run`);
    const data: RunRequestedData = { runId: child.id, workspaceId: child.workspaceId, workflowId: child.workflowId, priority: 0 };
    const { result } = await this.executeEvent({ name: "inngest/function.invoked", data }, mocks);
    return result;
  }
}
