import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { schema } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { createRun, finishRun } from "@trellis/runtime";
import { eventually } from "@trellis/runtime/testing";
import { enqueueRunNotifications, type NotificationWorker } from "@trellis/runtime/notifications";
import { callerFor, workspaceWithRoles } from "../testing";
import { startNotificationDelivery } from "../webhooks/notification-delivery";

describeEachDriver(
  "notifications signed with the secrets the API hands out",
  (ctx) => {
    const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({ path: request.url ?? "", headers: request.headers, body });
        response.end("ok");
      });
    });
    let worker: NotificationWorker;
    let base: string;

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      // A name, not a literal loopback address: subscribing checks literal addresses against the (empty) allow-list.
      base = `http://localhost:${(server.address() as AddressInfo).port}`;
      worker = await startNotificationDelivery({ handle: ctx.handle(), allowedHosts: ["localhost"], pollIntervalMs: 50, baseDelayMs: 20 });
    });
    afterAll(async () => {
      await worker?.stop();
      await new Promise((resolve) => server.close(resolve));
    });

    it("a subscriber verifies with its subscription secret, a run's callback URL with the workspace's callback secret", async () => {
      const cast = await workspaceWithRoles(ctx.db());
      const owner = callerFor(ctx.db(), cast.owner);
      const workspaceId = cast.workspace.id;
      const subscription = await owner.notificationSubscription.create({ workspaceId, url: `${base}/subscriber`, events: ["run.succeeded"] });
      const { secret: callbackSecret } = await owner.notificationSubscription.callbackSecret({ workspaceId });
      expect(callbackSecret).not.toBe(subscription.secret);
      // Derived per workspace: stable for one, different for another.
      expect((await owner.notificationSubscription.callbackSecret({ workspaceId })).secret).toBe(callbackSecret);
      const outsider = callerFor(ctx.db(), cast.outsider);
      expect((await outsider.notificationSubscription.callbackSecret({ workspaceId: cast.otherWorkspace.id })).secret).not.toBe(callbackSecret);

      const workflow = await owner.workflow.create({ workspaceId, name: "Notified" });
      const version = await owner.workflowVersion.publish({ workspaceId, workflowId: workflow.id, message: "v1" });
      const { run } = await createRun(ctx.handle(), { workspaceId, workflowId: workflow.id, versionId: version.id, triggerKind: "api" });
      await ctx.db().update(schema.runs).set({ callbackUrl: `${base}/callback` }).where(eq(schema.runs.id, run.id));
      await finishRun(ctx.handle(), { runId: run.id, status: "succeeded", output: { done: true } });
      // Finishing the run wrote both outbox rows in its own statement: enqueuing again adds none.
      expect(await enqueueRunNotifications(ctx.handle(), run.id)).toBe(0);

      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const byPath = Object.fromEntries(received.map((r) => [r.path, r]));
      const verify = (secret: string, path: string) => new Webhook(secret).verify(byPath[path]!.body, byPath[path]!.headers as Record<string, string>);
      expect(verify(subscription.secret, "/subscriber")).toMatchObject({ type: "run.succeeded", data: { runId: run.id, output: { done: true } } });
      expect(verify(callbackSecret, "/callback")).toMatchObject({ type: "run.succeeded", data: { runId: run.id } });
      expect(() => verify(callbackSecret, "/subscriber")).toThrow();

      // The receiver has answered; the worker records that just after.
      const log = await eventually(async () => {
        const page = await owner.notificationDelivery.list({ workspaceId, runId: run.id });
        return page.items.every((d) => d.status !== "pending") ? page : undefined;
      });
      expect(log.items.map((d) => [d.status, d.attempts])).toEqual([
        ["delivered", 1],
        ["delivered", 1],
      ]);
    });
  },
  { drivers: ["pglite", "pg"] },
);
