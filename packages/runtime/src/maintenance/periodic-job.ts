import type { Logger } from "@trellis/config/logger";

/**
 * Background work run every `intervalMs` (the first pass `firstDelayMs`
 * after start), one pass at a time; a failed pass is logged and the next
 * one comes on time. Its timer never keeps the process alive.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(firstDelayMs = this.intervalMs): void {
    this.schedule(firstDelayMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.running = (async () => {
      try {
        await this.work();
      } catch (error) {
        this.logger.warn({ err: error, job: this.name }, `${this.name} failed`);
      } finally {
        this.running = null;
      }
    })();
    this.schedule(this.intervalMs);
  }

  /** Cancels the next pass and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
