import { randomInt } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { env } from "@trellis/config";
import { logger as appLogger, type Logger } from "@trellis/config/logger";
import type { DatabaseHandle } from "@trellis/db";
import { acquireNotificationListener } from "../bus/notification-listener";
import { statement, toSql, type Db, type Sql } from "../sql/sql-client";
import { toDateOrNull } from "../sql/values";
import { postNotification, type SendResult } from "./send";
import { createOutboundGuard, type OutboundGuard } from "./ssrf";
import { NOTIFICATIONS_DUE_CHANNEL, notificationSignals } from "./wake";

/** The delivery a signing secret is asked for: a subscription's, or (null) a run callback's. */
export interface SigningSecretRequest {
  workspaceId: string;
  subscriptionId: string | null;
}

/** Returns the Standard Webhooks secret (`whsec_…`) that signs a delivery. */
export type SigningSecretResolver = (request: SigningSecretRequest) => Promise<string> | string;

export interface NotificationWorkerOptions {
  db: Db;
  /**
   * Subscription secrets are encrypted by the API; the worker is handed the
   * means to read them rather than importing the API (which depends on the
   * runtime).
   */
  signingSecret: SigningSecretResolver;
  /** Hosts reachable although they resolve to private addresses; TRELLIS_ALLOWED_HOSTS by default. */
  allowedHosts?: readonly string[];
  /** Attempts before a delivery is given up as failed. */
  maxAttempts?: number;
  /** First retry delay; each further one doubles, up to `maxDelayMs`, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long one POST may take. */
  timeoutMs?: number;
  /** Deliveries sent at once. */
  concurrency?: number;
  /** Fallback poll for due deliveries (enqueues and other processes' NOTIFY wake it sooner). */
  pollIntervalMs?: number;
  /**
   * A claimed delivery is invisible to other workers for this long; if this
   * worker dies mid-send, another one retries it afterwards.
   */
  claimMs?: number;
  logger?: Logger;
}

export interface NotificationWorker {
  /** Claims due deliveries now. */
  wake(): void;
  /** Stops claiming and waits for deliveries in flight. */
  stop(): Promise<void>;
}

interface ClaimedDelivery {
  id: string;
  workspace_id: string;
  subscription_id: string | null;
  run_id: string | null;
  event: string;
  url: string;
  payload: unknown;
  attempts: number;
}

// Claims due deliveries (SKIP LOCKED: workers in several processes share the
// outbox without waiting on each other), counts the attempt up front (a
// delivery that crashes its worker still runs out of attempts) and hides the
// claimed rows for the claim period. Also reports when the next one is due.
const claimStatement = statement(
  "claim_notification_deliveries",
  `WITH due AS (
     SELECT id FROM notification_deliveries
     WHERE status = 'pending' AND next_attempt_at <= now()
     ORDER BY next_attempt_at LIMIT $1
     FOR UPDATE SKIP LOCKED
   ), claimed AS (
     UPDATE notification_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
     FROM due WHERE d.id = due.id
     RETURNING d.id, d.workspace_id, d.subscription_id, d.run_id, d.event, d.url, d.payload, d.attempts
   )
   SELECT coalesce((SELECT json_agg(claimed) FROM claimed), '[]'::json) AS claimed,
     (SELECT min(next_attempt_at) FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at > now()) AS next_due`,
);

// Each outcome applies only to the attempt that produced it: a replay or a
// newer claim of the same row in between wins.
const deliveredStatement = statement(
  "notification_delivered",
  `UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = $3, last_error = NULL
   WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
);
const failedAttemptStatement = statement(
  "notification_attempt_failed",
  `UPDATE notification_deliveries SET
     status = CASE WHEN $5 THEN 'failed'::notification_status ELSE 'pending'::notification_status END,
     next_attempt_at = now() + make_interval(secs => $6::double precision / 1000),
     last_status_code = $3, last_error = $4
   WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
);

/** Exponential back-off with equal jitter: in [d/2, d) for d = base · 2^(attempt-1), capped; raised to a Retry-After. */
export function notificationBackoffMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const half = Math.floor(ceiling / 2);
  const delay = half + (ceiling - half > 0 ? randomInt(0, ceiling - half) : 0);
  return retryAfterMs === null ? delay : Math.min(maxMs, Math.max(delay, Math.ceil(retryAfterMs)));
}

class Worker implements NotificationWorker {
  private readonly sql: Sql;
  private readonly guard: OutboundGuard;
  private readonly log: Logger;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly claimMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly onDue = () => this.wake();
  private releaseListener: (() => Promise<void>) | null = null;

  constructor(private readonly options: NotificationWorkerOptions) {
    this.sql = toSql(options.db);
    this.guard = createOutboundGuard(options.allowedHosts ?? env().TRELLIS_ALLOWED_HOSTS);
    this.log = (options.logger ?? appLogger()).child({ component: "notification-worker" });
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 5_000;
    this.maxDelayMs = options.maxDelayMs ?? 3_600_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = options.concurrency ?? 10;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.claimMs = options.claimMs ?? Math.max(60_000, this.timeoutMs * 3);
  }

  async start(handle: DatabaseHandle | null): Promise<void> {
    notificationSignals().on("due", this.onDue);
    if (handle) {
      const shared = acquireNotificationListener(handle);
      this.releaseListener = () => shared.release();
      await shared.listener.listen(NOTIFICATIONS_DUE_CHANNEL, this.onDue);
    }
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Claims and sends until nothing is due, then sleeps until the next delivery is (or the poll interval). */
  private async drain(): Promise<void> {
    let nextDue: Date | null = null;
    try {
      for (;;) {
        const [row] = await this.sql.query<{ claimed: unknown; next_due: unknown }>(claimStatement, [this.concurrency, this.claimMs]);
        const claimed = (typeof row?.claimed === "string" ? JSON.parse(row.claimed) : (row?.claimed ?? [])) as ClaimedDelivery[];
        nextDue = toDateOrNull(row?.next_due);
        await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
        if (claimed.length < this.concurrency || this.stopped) break;
      }
    } catch (error) {
      this.log.error({ err: error }, "claiming notification deliveries failed; retrying at the next poll");
    }
    if (this.stopped) return;
    const untilDue = nextDue ? Math.max(0, nextDue.getTime() - Date.now()) : Infinity;
    this.timer = setTimeout(() => this.wake(), Math.min(this.pollIntervalMs, untilDue));
    this.timer.unref();
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const attempt = Number(delivery.attempts);
    const started = Date.now();
    let result: SendResult;
    try {
      const secret = await this.options.signingSecret({ workspaceId: delivery.workspace_id, subscriptionId: delivery.subscription_id });
      // webhook-id is the outbox row: the same on every retry, so receivers can deduplicate.
      const body = JSON.stringify(delivery.payload);
      const sentAt = new Date();
      const signature = new Webhook(secret).sign(delivery.id, sentAt, body);
      result = await postNotification(
        new URL(delivery.url),
        {
          "content-type": "application/json",
          "user-agent": "Trellis-Webhooks/1",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
        this.guard,
        this.timeoutMs,
      );
    } catch (error) {
      // A secret that cannot be read (or a URL that cannot be parsed) will not get better by retrying.
      result = { ok: false, status: null, error: (error as Error).message, retryable: false, retryAfterMs: null };
    }
    const fields = { deliveryId: delivery.id, runId: delivery.run_id, event: delivery.event, host: hostOf(delivery.url), attempt, durationMs: Date.now() - started };
    try {
      if (result.ok) {
        await this.sql.query(deliveredStatement, [delivery.id, attempt, result.status]);
        this.log.info({ ...fields, status: result.status }, "notification delivered");
        return;
      }
      const giveUp = !result.retryable || attempt >= this.maxAttempts;
      const delay = giveUp ? 0 : notificationBackoffMs(attempt, this.baseDelayMs, this.maxDelayMs, result.retryAfterMs);
      await this.sql.query(failedAttemptStatement, [delivery.id, attempt, result.status, result.error.slice(0, 1_000), giveUp, delay]);
      this.log.warn({ ...fields, status: result.status, error: result.error, retryInMs: giveUp ? null : delay }, giveUp ? "notification failed; giving up" : "notification attempt failed; will retry");
    } catch (error) {
      // The claim expires and another attempt follows: the receiver may see this one twice (same webhook-id).
      this.log.error({ ...fields, err: error }, "recording a notification attempt failed");
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    notificationSignals().off("due", this.onDue);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.releaseListener?.();
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

const isHandle = (db: Db): db is DatabaseHandle => typeof (db as Partial<DatabaseHandle>).driver === "string" && "client" in db;

/**
 * Starts delivering the outbox: claims due deliveries, POSTs them signed with
 * Standard Webhooks, retries failures with exponential back-off and jitter
 * until `maxAttempts`, then marks them failed. Pending deliveries live in the
 * database, so a restart loses none. With a database handle it also listens
 * for enqueues made by other processes.
 */
export async function startNotificationWorker(options: NotificationWorkerOptions): Promise<NotificationWorker> {
  const worker = new Worker(options);
  await worker.start(isHandle(options.db) ? options.db : null);
  return worker;
}
