import type { Logger } from "@trellis/config/logger";

/**
 * Background work run again and again, one pass at a time: the next pass
 * starts `intervalMs` after one ends, or sooner when the pass says so (it
 * returns the delay it wants). A failed pass is logged as "<name> failed"
 * and the next one comes on time. Its timer never keeps the process alive.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<number | void>,
    private readonly logger: Logger,
  ) {}

  /** The first pass `firstDelayMs` from now (an interval by default). */
  start(firstDelayMs = this.intervalMs): void {
    this.schedule(firstDelayMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private tick(): void {
    this.running = (async () => {
      let delay = this.intervalMs;
      try {
        delay = (await this.work()) ?? this.intervalMs;
      } catch (error) {
        this.logger.warn({ err: error }, `${this.name} failed`);
      } finally {
        this.running = null;
      }
      this.schedule(delay);
    })();
  }

  /** Cancels the next pass and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
