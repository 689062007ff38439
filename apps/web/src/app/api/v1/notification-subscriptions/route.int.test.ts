import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase, schema } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { GET as callbackSecret } from "../notification-callback-secret/route";
import { POST as replay } from "../notification-deliveries/[deliveryId]/replays/route";
import { GET as listDeliveries } from "../notification-deliveries/route";
import { DELETE, GET as getOne } from "./[subscriptionId]/route";
import { GET as list, POST as create } from "./route";

describeEachDriver(
  "REST notification subscriptions and log",
  (ctx) => {
    let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
    let call: ReturnType<typeof restCaller>;
    let readOnly: ReturnType<typeof restCaller>;

    beforeAll(async () => {
      provideAppDatabase(ctx.handle());
      cast = await workspaceWithRoles(ctx.db());
      call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["notifications:read", "notifications:write"]));
      readOnly = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["notifications:read"]));
    });

    it("subscribes (the secret shown once), lists, reads and unsubscribes, giving up the pending deliveries", async () => {
      const created = await call(create, "/api/v1/notification-subscriptions", {
        method: "POST",
        body: { url: "https://hooks.example.com/trellis", events: ["run.failed", "run.dead_lettered", "run.failed"] },
      });
      expect(created.status).toBe(201);
      const subscription = (await created.json()) as { id: string; secret: string; events: string[] };
      expect(subscription.secret).toMatch(/^whsec_/);
      expect(subscription.events).toEqual(["run.failed", "run.dead_lettered"]);
      expect(created.headers.get("location")).toBe(`/api/v1/notification-subscriptions/${subscription.id}`);
      const params = { subscriptionId: subscription.id };
      const listed = await readOnly(list, "/api/v1/notification-subscriptions");
      expect(await listed.text()).not.toContain(subscription.secret);
      expect((await readOnly(getOne, "/x", { params })).status).toBe(200);

      const [pending] = await ctx
        .db()
        .insert(schema.notificationDeliveries)
        .values({ workspaceId: cast.workspace.id, subscriptionId: subscription.id, event: "run.failed", url: "https://hooks.example.com/trellis", payload: { type: "run.failed" } })
        .returning();
      expect((await readOnly(DELETE, "/x", { method: "DELETE", params })).status).toBe(403);
      expect((await call(DELETE, "/x", { method: "DELETE", params })).status).toBe(204);
      expect((await call(getOne, "/x", { params })).status).toBe(404);
      const [after] = await ctx.db().select().from(schema.notificationDeliveries).where(eq(schema.notificationDeliveries.id, pending!.id));
      expect(after).toMatchObject({ status: "failed", lastError: "The subscription was deleted" });
    });

    it("refuses URLs that are not http(s) or point at a private address", async () => {
      for (const url of ["ftp://example.com/x", "http://127.0.0.1:9000/hook", "http://169.254.169.254/latest/meta-data", "not a url"]) {
        const refused = await call(create, "/api/v1/notification-subscriptions", { method: "POST", body: { url, events: ["run.succeeded"] } });
        expect(refused.status, url).toBe(422);
        expect(await refused.json(), url).toMatchObject({ errors: { url: [expect.any(String)] } });
      }
      expect((await call(create, "/api/v1/notification-subscriptions", { method: "POST", body: { url: "https://example.com", events: [] } })).status).toBe(422);
    });

    it("lists the notification log with filters, replays a delivery, and tells the callback secret to writers only", async () => {
      const [failed] = await ctx
        .db()
        .insert(schema.notificationDeliveries)
        .values({ workspaceId: cast.workspace.id, event: "run.succeeded", url: "https://callbacks.example.com/x", payload: { type: "run.succeeded" }, status: "failed", attempts: 8, lastError: "HTTP 500" })
        .returning();
      const log = (await (await readOnly(listDeliveries, "/api/v1/notification-deliveries?status=failed")).json()) as { items: { id: string }[] };
      expect(log.items.map((d) => d.id)).toContain(failed!.id);
      expect(((await (await readOnly(listDeliveries, "/api/v1/notification-deliveries?status=delivered")).json()) as { items: unknown[] }).items).toEqual([]);

      const replayed = await call(replay, "/x", { method: "POST", params: { deliveryId: failed!.id } });
      expect(replayed.status).toBe(200);
      expect(await replayed.json()).toMatchObject({ id: failed!.id, status: "pending", attempts: 0, lastError: null });
      expect((await call(replay, "/x", { method: "POST", params: { deliveryId: crypto.randomUUID() } })).status).toBe(404);

      const secret = await call(callbackSecret, "/api/v1/notification-callback-secret");
      expect(await secret.json()).toEqual({ secret: expect.stringMatching(/^whsec_/) });
      expect((await readOnly(callbackSecret, "/api/v1/notification-callback-secret")).status).toBe(403);
    });
  },
  { drivers: ["pglite", "pg"] },
);
