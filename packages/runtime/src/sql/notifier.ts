import { logger } from "@trellis/config/logger";

// PostgreSQL caps a payload at 8000 bytes.
const MAX_PAYLOAD = 7_000;

/**
 * Sends NOTIFYs outside the transactions that wrote the data they announce.
 * A transaction that NOTIFYs takes a database-wide lock at commit and holds it
 * through its WAL flush, so notifying inside every journal write would
 * serialise all commits; a statement that only notifies writes no WAL and
 * holds the lock for microseconds. Entries queued in one tick (and while a
 * send is in flight) go out together, one payload per channel where they fit.
 * A notification lost to a crash is covered by the workers' poll.
 *
 * The delay an entry tolerates holds after a send as before one: under steady
 * load, entries queued while a send was in flight wait out their delay too,
 * so a stream of delayed entries costs one send per delay, not one per round
 * trip.
 */
export class Notifier {
  private queue = new Map<string, Set<string>>();
  /** The shortest delay any queued entry tolerates (Infinity with none queued). */
  private delayMs = Infinity;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;

  constructor(
    private readonly origin: () => string,
    private readonly send: (channels: string[], payloads: string[]) => Promise<void>,
  ) {}

  /**
   * Queues `entry` for `channel`; call only once the data it announces is
   * committed. With `delayMs` the entry may wait that long to share a send
   * (live views tolerate a few milliseconds; a waiting worker does not).
   */
  notify(channel: string, entry: string, delayMs = 0): void {
    let entries = this.queue.get(channel);
    if (!entries) {
      entries = new Set();
      this.queue.set(channel, entries);
    }
    entries.add(entry);
    this.delayMs = Math.min(this.delayMs, delayMs);
    this.schedule();
  }

  /** Arranges the next send: after the current one, in the next tick if an entry is urgent, else after the delay. */
  private schedule(): void {
    if (this.sending || this.queue.size === 0) return;
    if (this.delayMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
      return;
    }
    if (this.scheduled || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    if (this.sending || this.queue.size === 0) return;
    this.sending = true;
    try {
      const queue = this.queue;
      this.queue = new Map();
      this.delayMs = Infinity;
      const channels: string[] = [];
      const payloads: string[] = [];
      const prefix = `${this.origin()}|`;
      for (const [channel, entries] of queue) {
        let payload = prefix;
        for (const entry of entries) {
          if (payload.length > prefix.length && payload.length + entry.length + 1 > MAX_PAYLOAD) {
            channels.push(channel);
            payloads.push(payload);
            payload = prefix;
          }
          payload += payload.length > prefix.length ? `;${entry}` : entry;
        }
        channels.push(channel);
        payloads.push(payload);
      }
      await this.send(channels, payloads).catch((error: unknown) => {
        logger().warn({ err: error }, "sending notifications failed; listeners catch up by polling");
      });
    } finally {
      this.sending = false;
      this.schedule();
    }
  }
}

export const NOTIFY_TEXT = "SELECT count(pg_notify(c, p)) FROM unnest($1::text[], $2::text[]) AS t(c, p)";
