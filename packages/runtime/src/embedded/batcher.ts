import { logger } from "@trellis/config/logger";
import { isTransientDatabaseError } from "./journal-writer";

const RETRY_DELAYS_MS = [25, 50, 100, 250, 500, 1_000, 2_000, 4_000];

/** When a flush starts, and its bounds: it takes at least one item, then stops before either bound is passed. */
export interface BatchOptions<I> {
  /**
   * How long a flush waits for more items once the first one is queued: for
   * writes nobody waits on, fewer and fuller statements. 0 (the default):
   * at once.
   */
  lingerMs?: number;
  maxItems?: number;
  /** Bound on the sum of `weight(item)` (e.g. bytes to send). */
  maxWeight?: number;
  weight?: (item: I) => number;
}

/**
 * Group commit for one kind of write: items submitted while a flush is in
 * flight go out together in the next one (one statement, one commit).
 * Transient database errors (a lost connection) are retried with back-off.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve(output: O): void; reject(error: unknown): void }[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly options: BatchOptions<I> = {},
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) return;
    // Started in a microtask, so items submitted in the same tick share the first batch.
    const linger = this.options.lingerMs ?? 0;
    const start = linger > 0 ? new Promise<void>((resolve) => setTimeout(resolve, linger)) : Promise.resolve();
    const running = start.then(() => this.loop());
    this.running = running;
    void running.finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** How many queued items the next flush takes. */
  private batchSize(): number {
    const { maxItems = Infinity, maxWeight = Infinity, weight } = this.options;
    const count = Math.min(this.queue.length, maxItems);
    if (!weight || maxWeight === Infinity) return count;
    let total = 0;
    for (let i = 0; i < count; i++) {
      total += weight((this.queue[i] as { item: I }).item);
      if (total > maxWeight) return Math.max(1, i);
    }
    return count;
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize());
      for (let attempt = 0; ; attempt++) {
        try {
          const outputs = await this.flush(batch.map((entry) => entry.item));
          batch.forEach((entry, i) => entry.resolve(outputs[i] as O));
          break;
        } catch (error) {
          const delay = isTransientDatabaseError(error) ? RETRY_DELAYS_MS[attempt] : undefined;
          if (delay === undefined) {
            for (const entry of batch) entry.reject(error);
            break;
          }
          logger().warn({ err: error, attempt: attempt + 1, batch: this.name }, "batched write failed; retrying");
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    }
  }
}
