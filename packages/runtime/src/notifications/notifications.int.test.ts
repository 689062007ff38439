import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql as drizzleSql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { schema } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
import { createRun, findRun, finishRun } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow, eventually } from "../testing/workflows";
import { enqueueRunNotifications } from "./enqueue";
import { replayNotificationDelivery } from "./replay";
import { startNotificationWorker, type NotificationWorker, type NotificationWorkerOptions } from "./worker";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 answering each request with the next status of `script` (then the last one). */
async function receiver(script: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.statusCode = script[Math.min(received.length - 1, script.length - 1)] ?? 200;
      response.end(response.statusCode >= 300 ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const secret = `whsec_${randomBytes(32).toString("base64")}`;

describeEachDriver(
  "run notifications",
  (ctx) => {
    let workspaceId: string;
    let workflowId: string;
    let versionId: string;
    const workers: NotificationWorker[] = [];
    const closers: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      const user = await createUser(ctx.db());
      workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
      ({ workflowId, versionId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" })));
    });
    afterEach(async () => {
      for (const worker of workers.splice(0)) await worker.stop();
      for (const close of closers.splice(0)) await close();
    });
    afterAll(async () => {
      for (const worker of workers) await worker.stop();
    });

    async function start(options: Partial<NotificationWorkerOptions> = {}) {
      const worker = await startNotificationWorker({
        db: ctx.handle(),
        signingSecret: () => secret,
        allowedHosts: ["127.0.0.1"],
        baseDelayMs: 30,
        maxDelayMs: 200,
        pollIntervalMs: 50,
        ...options,
      });
      workers.push(worker);
      return worker;
    }

    async function finishedRun(status: "succeeded" | "failed" | "cancelled", callbackUrl: string | null = null) {
      const { run } = await createRun(ctx.handle(), { workspaceId, workflowId, versionId, triggerKind: "manual", input: { n: 1 } });
      if (callbackUrl) await ctx.db().update(schema.runs).set({ callbackUrl }).where(eq(schema.runs.id, run.id));
      await finishRun(ctx.handle(), {
        runId: run.id,
        status,
        ...(status === "succeeded" ? { output: { a: 42 } } : status === "failed" ? { error: { name: "Error", message: "boom", code: "x", retryable: false, details: null } } : {}),
      });
      return run.id;
    }

    async function subscribe(url: string, events: string[]) {
      const [row] = await ctx.db().insert(schema.notificationSubscriptions).values({ workspaceId, url, events, secretCiphertext: "unused by these tests" }).returning();
      closers.push(async () => {
        await ctx.db().delete(schema.notificationSubscriptions).where(eq(schema.notificationSubscriptions.id, row!.id));
      });
      return row!;
    }

    const deliveriesOf = (runId: string) =>
      ctx.db().select().from(schema.notificationDeliveries).where(eq(schema.notificationDeliveries.runId, runId)).orderBy(schema.notificationDeliveries.event);

    it("enqueues each finished run's events for its subscribers and its callback URL, once", async () => {
      const all = await subscribe("https://hooks.example.com/all", ["run.succeeded", "run.failed", "run.dead_lettered"]);
      await subscribe("https://hooks.example.com/failures", ["run.failed"]);
      await subscribe("https://hooks.example.com/same", ["run.succeeded"]);

      const succeeded = await finishedRun("succeeded", "https://hooks.example.com/same");
      // Finishing the run wrote its outbox rows; enqueueing again adds nothing.
      expect(await enqueueRunNotifications(ctx.handle(), succeeded)).toBe(0);
      const written = await deliveriesOf(succeeded);
      // enqueueRunNotifications is the repair path for runs finished otherwise: it writes the same rows, once.
      await ctx.db().delete(schema.notificationDeliveries).where(eq(schema.notificationDeliveries.runId, succeeded));
      expect(await enqueueRunNotifications(ctx.handle(), succeeded)).toBe(2);
      expect(await enqueueRunNotifications(ctx.handle(), succeeded)).toBe(0);
      const rows = await deliveriesOf(succeeded);
      expect(rows.map((r) => [r.event, r.url, r.payload])).toEqual(written.map((r) => [r.event, r.url, r.payload]));
      expect(rows.map((r) => [r.event, r.url, r.subscriptionId !== null])).toEqual([
        ["run.succeeded", "https://hooks.example.com/all", true],
        // The callback URL is also subscribed: one delivery, signed as the subscription's.
        ["run.succeeded", "https://hooks.example.com/same", true],
      ]);
      expect(rows[0]?.subscriptionId).toBe(all.id);
      expect(rows[0]?.payload).toMatchObject({
        type: "run.succeeded",
        timestamp: expect.stringMatching(/Z$/),
        data: { runId: succeeded, workflowId, status: "succeeded", output: { a: 42 }, error: null, deadLettered: false },
      });

      // A failed run notifies failure and dead-lettering; a cancelled one nothing.
      const failed = await finishedRun("failed", "https://callbacks.example.com/run");
      const cancelled = await finishedRun("cancelled", "https://callbacks.example.com/run");
      expect(await enqueueRunNotifications(ctx.handle(), [failed, cancelled])).toBe(0);
      expect((await deliveriesOf(failed)).map((r) => [r.event, r.url])).toEqual([
        ["run.dead_lettered", "https://hooks.example.com/all"],
        ["run.failed", "https://callbacks.example.com/run"],
        ["run.failed", "https://hooks.example.com/all"],
        ["run.failed", "https://hooks.example.com/failures"],
      ]);
      expect(await deliveriesOf(cancelled)).toEqual([]);
    });

    it("writes a finishing run's outbox rows in its finish: one per subscription, committed with the run, never twice", async () => {
      await subscribe("https://hooks.example.com/one", ["run.succeeded"]);
      await subscribe("https://hooks.example.com/two", ["run.succeeded", "run.failed"]);
      await subscribe("https://hooks.example.com/failures-only", ["run.failed"]);
      const { run } = await createRun(ctx.handle(), { workspaceId, workflowId, versionId, triggerKind: "manual" });
      const sql = sqlForHandle(ctx.handle());
      const countRows = statement("test_count_outbox", "SELECT count(*) AS n FROM notification_deliveries WHERE run_id = $1");

      // A finish that rolls back leaves neither the finished run nor its notifications.
      await expect(
        sql.transaction(async (tx) => {
          expect((await finishRun(tx, { runId: run.id, status: "succeeded", output: { ok: true } })).finished).toBe(true);
          const [inside] = await tx.query<{ n: unknown }>(countRows, [run.id]);
          expect(Number(inside?.n)).toBe(2);
          throw new Error("the finishing transaction fails");
        }),
      ).rejects.toThrow("the finishing transaction fails");
      expect(await deliveriesOf(run.id)).toEqual([]);
      expect((await findRun(ctx.handle(), workspaceId, run.id))?.status).toBe("queued");

      expect((await finishRun(ctx.handle(), { runId: run.id, status: "succeeded", output: { ok: true } })).finished).toBe(true);
      const rows = await deliveriesOf(run.id);
      expect(rows.map((r) => [r.event, r.url, r.status])).toEqual([
        ["run.succeeded", "https://hooks.example.com/one", "pending"],
        ["run.succeeded", "https://hooks.example.com/two", "pending"],
      ]);
      expect(rows[0]?.payload).toMatchObject({ type: "run.succeeded", data: { runId: run.id, status: "succeeded", output: { ok: true } } });
      // A repeated finish (a retried write, a second worker) finishes nothing and adds nothing.
      expect((await finishRun(ctx.handle(), { runId: run.id, status: "failed" })).finished).toBe(false);
      expect(await deliveriesOf(run.id)).toHaveLength(2);
    });

    it("retries a receiver that fails twice; it gets the notification once, signed so standardwebhooks verifies it", async () => {
      const target = await receiver([500, 503, 200]);
      closers.push(target.close);
      await start();
      const runId = await finishedRun("succeeded", target.url);
      expect(await deliveriesOf(runId)).toHaveLength(1);
      const [delivered] = await eventually(async () => {
        const rows = await deliveriesOf(runId);
        return rows[0]?.status === "delivered" ? rows : undefined;
      }, 10_000);
      expect(delivered).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
      // Two refusals, then the one successful delivery; nothing after it.
      expect(target.received).toHaveLength(3);
      // Every attempt carries the same webhook-id (the outbox row), so a receiver can deduplicate.
      expect(new Set(target.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivered!.id]));
      const last = target.received[2]!;
      const verified = new Webhook(secret).verify(last.body, last.headers as Record<string, string>);
      expect(verified).toMatchObject({ type: "run.succeeded", data: { runId, output: { a: 42 } } });
      expect(() => new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(last.body, last.headers as Record<string, string>)).toThrow();
    });

    it("refuses loopback addresses unless the allow-list names them, without retrying", async () => {
      const target = await receiver([200]);
      closers.push(target.close);
      await start({ allowedHosts: [] });
      const runId = await finishedRun("succeeded", target.url);
      await enqueueRunNotifications(ctx.handle(), runId);
      const [failed] = await eventually(async () => {
        const rows = await deliveriesOf(runId);
        return rows[0]?.status === "failed" ? rows : undefined;
      }, 10_000);
      expect(failed).toMatchObject({ attempts: 1, lastStatusCode: null, lastError: expect.stringMatching(/refusing to connect to 127\.0\.0\.1.*loopback/) });
      expect(target.received).toHaveLength(0);
    });

    it("gives up after the last attempt, and a replay sends it again", async () => {
      const target = await receiver([500]);
      closers.push(target.close);
      await start({ maxAttempts: 2 });
      const runId = await finishedRun("succeeded", target.url);
      await enqueueRunNotifications(ctx.handle(), runId);
      const [failed] = await eventually(async () => {
        const rows = await deliveriesOf(runId);
        return rows[0]?.status === "failed" ? rows : undefined;
      }, 10_000);
      expect(failed).toMatchObject({ attempts: 2, lastStatusCode: 500, lastError: "HTTP 500: receiver says no" });
      expect(target.received).toHaveLength(2);

      await expect(replayNotificationDelivery(ctx.handle(), { workspaceId: crypto.randomUUID(), deliveryId: failed!.id })).rejects.toThrow(/not found/);
      const fixed = await receiver([200]);
      closers.push(fixed.close);
      await ctx.db().update(schema.notificationDeliveries).set({ url: fixed.url }).where(eq(schema.notificationDeliveries.id, failed!.id));
      await replayNotificationDelivery(ctx.handle(), { workspaceId, deliveryId: failed!.id });
      await eventually(async () => ((await deliveriesOf(runId))[0]?.status === "delivered" ? true : undefined), 10_000);
      expect(fixed.received).toHaveLength(1);
      expect(fixed.received[0]?.headers["webhook-id"]).toBe(failed!.id);
    });

    it("is durable: a pending retry survives a worker restart, and a delivery claimed by a worker that died is sent by another", async () => {
      const target = await receiver([500, 200]);
      closers.push(target.close);
      const first = await start({ baseDelayMs: 400, maxDelayMs: 400 });
      const runId = await finishedRun("succeeded", target.url);
      await enqueueRunNotifications(ctx.handle(), runId);
      await eventually(() => (target.received.length === 1 ? true : undefined), 10_000);
      await first.stop();
      const [pending] = await deliveriesOf(runId);
      expect(pending).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });

      const second = await start();
      await eventually(async () => ((await deliveriesOf(runId))[0]?.status === "delivered" ? true : undefined), 10_000);
      expect(target.received).toHaveLength(2);
      await second.stop();

      // A worker that claimed a delivery and died: the claim (attempt counted, row hidden) expires, then another worker sends it.
      const orphan = await finishedRun("succeeded", target.url);
      await enqueueRunNotifications(ctx.handle(), orphan);
      await ctx.db().execute(
        drizzleSql`UPDATE notification_deliveries SET attempts = attempts + 1, next_attempt_at = now() + interval '400 milliseconds' WHERE run_id = ${orphan}`,
      );
      const claimedAt = Date.now();
      await start();
      await eventually(async () => ((await deliveriesOf(orphan))[0]?.status === "delivered" ? true : undefined), 10_000);
      expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(300);
      expect((await deliveriesOf(orphan))[0]).toMatchObject({ attempts: 2 });
      expect(target.received).toHaveLength(3);
    });
  },
  { drivers: ["pglite", "pg"] },
);
