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
 */
export class Notifier {
  private queue = new Map<string, Set<string>>();
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
    this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    if (this.sending) return;
    if (delayMs === 0) {
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
    }, delayMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.size > 0) {
        const queue = this.queue;
        this.queue = new Map();
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
      }
    } finally {
      this.sending = false;
    }
  }
}

export const NOTIFY_TEXT = "SELECT count(pg_notify(c, p)) FROM unnest($1::text[], $2::text[]) AS t(c, p)";
