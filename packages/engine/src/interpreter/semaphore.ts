/** Counting semaphore whose uncontended acquire is synchronous (no promise per step). */
export class Semaphore {
  private available: number;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(permits: number) {
    this.available = permits;
  }

  /** Returns undefined when a permit was taken at once, else a promise for it. */
  acquire(): Promise<void> | undefined {
    if (this.available > 0) {
      this.available--;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head++] as () => void;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
      return;
    }
    this.available++;
  }
}
