import { beforeAll, expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { writeJournal } from "../records/journal";
import { createRun } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow } from "../testing/workflows";
import { deleteExpiredDeliveries, deleteExpiredRuns } from "./retention";

const age = statement(
  "test_age_run",
  `UPDATE runs SET status = $2::run_status, created_at = now() - make_interval(days => $3), finished_at = CASE WHEN $2::run_status IN ('succeeded', 'failed', 'cancelled') THEN now() - make_interval(days => $3) END WHERE id = $1`,
);
const counts = statement(
  "test_run_rows",
  `SELECT (SELECT count(*) FROM runs WHERE id = $1) AS runs, (SELECT count(*) FROM run_steps WHERE run_id = $1) AS steps, (SELECT count(*) FROM run_events WHERE run_id = $1) AS events`,
);

function suite(ctx: DriverSuiteContext) {
  let monthly: { id: string; workflow: { workflowId: string; versionId: string } };
  let daily: { id: string; workflow: { workflowId: string; versionId: string } };
  beforeAll(async () => {
    const user = await createUser(ctx.db());
    const a = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 30 });
    const b = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 1 });
    monthly = { id: a.id, workflow: await createWorkflow(ctx.db(), a.id, chain({ id: "s", type: "noop" })) };
    daily = { id: b.id, workflow: await createWorkflow(ctx.db(), b.id, chain({ id: "s", type: "noop" })) };
  });

  const aged = async (workspace: typeof monthly, status: string, days: number) => {
    const { run } = await createRun(ctx.handle(), { workspaceId: workspace.id, ...workspace.workflow, triggerKind: "manual", driver: "test" });
    await writeJournal(ctx.handle(), { steps: [{ runId: run.id, stepId: "s", status: "succeeded", output: 1 }], events: [{ runId: run.id, type: "node.completed" }] });
    await sqlForHandle(ctx.handle()).query(age, [run.id, status, days]);
    return run.id;
  };
  const rows = async (runId: string) => {
    const [row] = await sqlForHandle(ctx.handle()).query<{ runs: unknown; steps: unknown; events: unknown }>(counts, [runId]);
    return [Number(row?.runs), Number(row?.steps), Number(row?.events)];
  };

  it("deletes finished runs past their workspace's retention, with their steps and events", async () => {
    const expired = [await aged(monthly, "succeeded", 40), await aged(monthly, "failed", 31), await aged(daily, "cancelled", 2)];
    const kept = [await aged(monthly, "succeeded", 10), await aged(daily, "succeeded", 0), await aged(monthly, "running", 90), await aged(daily, "sleeping", 5)];
    // A small batch size makes the job go round more than once.
    const deleted = await deleteExpiredRuns(ctx.handle(), { batchSize: 2 });
    expect(deleted).toBe(3);
    for (const runId of expired) expect(await rows(runId)).toEqual([0, 0, 0]);
    for (const runId of kept) expect((await rows(runId))[0]).toBe(1);
    expect(await rows(kept[0] as string)).toEqual([1, 1, 2]);
    expect(await deleteExpiredRuns(ctx.handle())).toBe(0);
  });
}

const insertWebhook = statement(
  "test_insert_webhook",
  `INSERT INTO webhooks (workspace_id, workflow_id, slug, signature_scheme, dedupe_window_seconds)
   VALUES ($1, $2, 'retention-' || substr(md5(random()::text), 1, 12), 'none', $3) RETURNING id`,
);
const insertWebhookDelivery = statement(
  "test_insert_webhook_delivery",
  `INSERT INTO webhook_deliveries (workspace_id, webhook_id, verdict, status_code, headers, body, received_at)
   VALUES ($1, $2, 'accepted', 202, '{}'::jsonb, '{}', now() - make_interval(days => $3)) RETURNING id`,
);
const insertDedupeKey = statement(
  "test_insert_dedupe_key",
  `INSERT INTO webhook_dedupe_keys (webhook_id, dedupe_key, delivery_id, first_received_at)
   SELECT webhook_id, 'sha256:' || id, id, received_at FROM webhook_deliveries WHERE id = $1`,
);
const remainingDedupeKeys = statement("test_remaining_dedupe_keys", `SELECT delivery_id AS id FROM webhook_dedupe_keys WHERE delivery_id = ANY($1::uuid[])`);
const insertNotification = statement(
  "test_insert_notification_delivery",
  `INSERT INTO notification_deliveries (workspace_id, run_id, event, url, payload, status, created_at)
   VALUES ($1, gen_random_uuid(), 'run.succeeded', 'https://example.com/hook', '{}'::jsonb, $2::notification_status, now() - make_interval(days => $3)) RETURNING id`,
);
const remaining = statement(
  "test_remaining_deliveries",
  `SELECT id FROM webhook_deliveries WHERE id = ANY($1::uuid[]) UNION ALL SELECT id FROM notification_deliveries WHERE id = ANY($1::uuid[])`,
);

function deliverySuite(ctx: DriverSuiteContext) {
  it("deletes webhook and notification deliveries past their workspace's retention and dedupe keys past their window, keeping pending notifications and deduplication windows", async () => {
    const sql = sqlForHandle(ctx.handle());
    const user = await createUser(ctx.db());
    const monthly = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 30 });
    const daily = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 1 });
    const webhook = async (workspaceId: string, dedupeWindowSeconds: number) => {
      const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
      const [row] = await sql.query<{ id: string }>(insertWebhook, [workspaceId, workflowId, dedupeWindowSeconds]);
      return row!.id;
    };
    const delivery = async (workspaceId: string, webhookId: string, days: number) => (await sql.query<{ id: string }>(insertWebhookDelivery, [workspaceId, webhookId, days]))[0]!.id;
    const notification = async (workspaceId: string, status: string, days: number) => (await sql.query<{ id: string }>(insertNotification, [workspaceId, status, days]))[0]!.id;

    const monthlyHook = await webhook(monthly.id, 86_400);
    const weekLongDedupe = await webhook(daily.id, 7 * 86_400);
    const noDedupe = await webhook(daily.id, 0);
    const expired = [
      await delivery(monthly.id, monthlyHook, 40),
      await delivery(monthly.id, monthlyHook, 31),
      await delivery(daily.id, weekLongDedupe, 8),
      await delivery(daily.id, noDedupe, 2),
      await notification(monthly.id, "delivered", 40),
      await notification(monthly.id, "failed", 35),
      await notification(daily.id, "delivered", 2),
    ];
    const kept = [
      await delivery(monthly.id, monthlyHook, 10),
      // Past the workspace's one day, but still what answers a duplicate within the webhook's seven days.
      await delivery(daily.id, weekLongDedupe, 3),
      await delivery(daily.id, noDedupe, 0),
      // Still owed to its receiver, however old.
      await notification(monthly.id, "pending", 90),
      await notification(daily.id, "pending", 5),
      await notification(monthly.id, "delivered", 10),
      await notification(daily.id, "failed", 0),
    ];

    // Dedupe keys go when their webhook's window has passed, even when the delivery they point at stays.
    const keyed = { expired: [kept[0] as string], kept: [kept[1] as string] };
    for (const id of [...keyed.expired, ...keyed.kept]) await sql.query(insertDedupeKey, [id]);

    // A small batch size makes each table's pass go round more than once.
    expect(await deleteExpiredDeliveries(ctx.handle(), { batchSize: 2 })).toEqual({ webhookDeliveries: 4, notificationDeliveries: 3, dedupeKeys: 1 });
    expect((await sql.query<{ id: string }>(remainingDedupeKeys, [[...keyed.expired, ...keyed.kept]])).map((row) => row.id)).toEqual(keyed.kept);
    const left = new Set((await sql.query<{ id: string }>(remaining, [[...expired, ...kept]])).map((row) => row.id));
    expect(expired.filter((id) => left.has(id))).toEqual([]);
    expect(kept.filter((id) => !left.has(id))).toEqual([]);
    expect(await deleteExpiredDeliveries(ctx.handle())).toEqual({ webhookDeliveries: 0, notificationDeliveries: 0, dedupeKeys: 0 });
  });

  it("stops after its batches, leaving the rest for the next pass", async () => {
    const sql = sqlForHandle(ctx.handle());
    const user = await createUser(ctx.db());
    const workspace = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 1 });
    for (let i = 0; i < 5; i++) await sql.query(insertNotification, [workspace.id, "delivered", 3]);
    expect((await deleteExpiredDeliveries(ctx.handle(), { batchSize: 2, maxBatches: 2 })).notificationDeliveries).toBe(4);
    expect((await deleteExpiredDeliveries(ctx.handle(), { batchSize: 2, maxBatches: 2 })).notificationDeliveries).toBe(1);
  });
}

describeEachDriver("run retention", suite, { drivers: ["pglite", "pg"] });
describeEachDriver("delivery retention", deliverySuite, { drivers: ["pglite", "pg"] });
