import {
  deserializeError,
  DuplicateStepIdError,
  EngineError,
  ErrorCodes,
  serializeError,
  type SerializedError,
} from "../errors";
import type { Json, JsonObject } from "../json";
import { matchesEvent } from "./match";
import type {
  InvokeOptions,
  SleepOptions,
  StepTools,
  WaitForEventOptions,
} from "./types";

export interface MemoryEvent {
  name: string;
  payload: Json;
}

export interface MemoryStepToolsOptions {
  /** Results journaled by an earlier execution: these steps replay without running. */
  memo?: ReadonlyMap<string, Json> | Readonly<Record<string, Json>>;
  /** Events delivered before any wait starts; each is consumed by the first matching wait. */
  events?: readonly MemoryEvent[];
  /** Runs a child workflow for `workflow.invoke`; without it invoking fails. */
  invoke?: (options: InvokeOptions & { stepId: string }) => Promise<Json>;
}

export interface PendingWait {
  stepId: string;
  event: string;
  match: JsonObject | undefined;
}

/** In-process StepTools with the same replay semantics as the durable drivers. */
export interface MemoryStepTools extends StepTools {
  /** Every completed step's result (sleeps journal `null`), ready to pass as `memo` to a replay. */
  readonly journal: Map<string, Json>;
  /** Step ids whose function really ran (or really slept / waited / invoked), in order. */
  readonly executed: string[];
  /** Step ids answered from `memo`. */
  readonly replayed: string[];
  /** Delivers an event to matching waits; with none waiting it is buffered for the next one. */
  sendEvent(name: string, payload: Json): number;
  pendingWaits(): PendingWait[];
  /** Clears timers of sleeps and waits a halted run left behind. */
  dispose(): void;
}

// A failed invocation is journaled too (as drivers memoise a step's error), under this marker.
const INVOKE_ERROR = "$invokeError";

interface Waiter extends PendingWait {
  resolve(payload: Json | null): void;
  timer: NodeJS.Timeout;
}

function isInvokeError(
  value: Json,
): value is { [INVOKE_ERROR]: SerializedError } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    INVOKE_ERROR in value
  );
}

export function createMemoryStepTools(
  options: MemoryStepToolsOptions = {},
): MemoryStepTools {
  const memo: ReadonlyMap<string, Json> =
    options.memo instanceof Map
      ? options.memo
      : new Map(Object.entries(options.memo ?? {}));
  const journal = new Map<string, Json>();
  const executed: string[] = [];
  const replayed: string[] = [];
  const seen = new Set<string>();
  const buffered: MemoryEvent[] = [...(options.events ?? [])];
  const waiters = new Set<Waiter>();
  const timers = new Set<NodeJS.Timeout>();

  // Returns true when the step is answered from memo.
  function claim(stepId: string): boolean {
    if (seen.has(stepId)) throw new DuplicateStepIdError(stepId);
    seen.add(stepId);
    if (memo.has(stepId)) {
      replayed.push(stepId);
      journal.set(stepId, memo.get(stepId) as Json);
      return true;
    }
    executed.push(stepId);
    return false;
  }

  function record<T extends Json>(stepId: string, value: T): T {
    // A JSON round trip is what a real journal does; the live run must see the same value a replay would.
    const stored = (
      value === undefined ? null : JSON.parse(JSON.stringify(value))
    ) as T;
    journal.set(stepId, stored);
    return stored;
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          resolve();
        },
        Math.max(0, ms),
      );
      timers.add(timer);
    });
  }

  return {
    journal,
    executed,
    replayed,

    async run<T extends Json>(
      stepId: string,
      fn: () => Promise<T>,
    ): Promise<T> {
      if (claim(stepId)) return structuredClone(memo.get(stepId)) as T;
      return record(stepId, await fn());
    },

    async sleep(stepId: string, sleep: SleepOptions): Promise<void> {
      if (claim(stepId)) return;
      const ms =
        "durationMs" in sleep
          ? sleep.durationMs
          : new Date(sleep.until).getTime() - Date.now();
      await delay(ms);
      record(stepId, null);
    },

    async waitForEvent(
      stepId: string,
      wait: WaitForEventOptions,
    ): Promise<Json | null> {
      if (claim(stepId)) return structuredClone(memo.get(stepId) ?? null);
      const index = buffered.findIndex(
        (e) => e.name === wait.event && matchesEvent(e.payload, wait.match),
      );
      if (index >= 0) {
        const [event] = buffered.splice(index, 1);
        return record(stepId, event?.payload ?? null);
      }
      const payload = await new Promise<Json | null>((resolve) => {
        const waiter: Waiter = {
          stepId,
          event: wait.event,
          match: wait.match,
          resolve: (value) => {
            clearTimeout(waiter.timer);
            timers.delete(waiter.timer);
            waiters.delete(waiter);
            resolve(value);
          },
          timer: setTimeout(
            () => waiter.resolve(null),
            Math.max(0, wait.timeoutMs),
          ),
        };
        timers.add(waiter.timer);
        waiters.add(waiter);
      });
      return record(stepId, payload);
    },

    async invoke(stepId: string, invoke: InvokeOptions): Promise<Json> {
      if (claim(stepId)) {
        const journaled = structuredClone(memo.get(stepId) ?? null);
        if (isInvokeError(journaled))
          throw deserializeError(journaled[INVOKE_ERROR]);
        return journaled;
      }
      try {
        if (!options.invoke) {
          throw new EngineError(
            ErrorCodes.invokeFailed,
            `no workflow runner is configured to invoke "${invoke.workflowId}"`,
            {
              retryable: true,
            },
          );
        }
        return record(stepId, await options.invoke({ ...invoke, stepId }));
      } catch (error) {
        // The child's failure, as a replay would see it: an EngineError (the node's failure, not the driver's).
        const serialized = serializeError(error);
        record(stepId, { [INVOKE_ERROR]: serialized });
        throw deserializeError(serialized);
      }
    },

    isJournaled(stepId: string): boolean {
      return memo.has(stepId);
    },

    sendEvent(name: string, payload: Json): number {
      let delivered = 0;
      for (const waiter of [...waiters]) {
        if (waiter.event === name && matchesEvent(payload, waiter.match)) {
          waiter.resolve(payload);
          delivered++;
        }
      }
      if (delivered === 0) buffered.push({ name, payload });
      return delivered;
    },

    pendingWaits(): PendingWait[] {
      return [...waiters].map(({ stepId, event, match }) => ({
        stepId,
        event,
        match,
      }));
    },

    dispose(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiters.clear();
    },
  };
}
