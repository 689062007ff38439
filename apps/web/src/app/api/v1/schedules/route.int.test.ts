import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, callerFor, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { DELETE, GET as getSchedule, PATCH } from "./[scheduleId]/route";
import { GET as list, POST as create } from "./route";

describeEachDriver("REST /api/v1/schedules", (ctx) => {
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
  let call: ReturnType<typeof restCaller>;
  let readOnly: ReturnType<typeof restCaller>;
  let workflowId: string;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    cast = await workspaceWithRoles(ctx.db());
    call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["schedules:read", "schedules:write"]));
    readOnly = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["schedules:read"]));
    workflowId = (await callerFor(ctx.db(), cast.editor).workflow.create({ workspaceId: cast.workspace.id, name: "Cron" })).id;
  });

  it("creates with its next five fire times, pauses and resumes through PATCH, and deletes", async () => {
    const created = await call(create, "/api/v1/schedules", { method: "POST", body: { workflowId, cron: "0 */6 * * *", timezone: "Asia/Tokyo" } });
    expect(created.status).toBe(201);
    const schedule = (await created.json()) as { id: string; nextFireTimes: string[]; nextRunAt: string };
    expect(created.headers.get("location")).toBe(`/api/v1/schedules/${schedule.id}`);
    expect(schedule.nextFireTimes).toHaveLength(5);
    expect(schedule.nextRunAt).toBe(schedule.nextFireTimes[0]);
    const params = { scheduleId: schedule.id };

    const paused = await call(PATCH, `/api/v1/schedules/${schedule.id}`, { method: "PATCH", params, body: { active: false } });
    expect(await paused.json()).toMatchObject({ active: false, nextRunAt: null, nextFireTimes: [] });
    const resumed = await call(PATCH, `/api/v1/schedules/${schedule.id}`, { method: "PATCH", params, body: { active: true } });
    expect(((await resumed.json()) as { nextFireTimes: string[] }).nextFireTimes).toHaveLength(5);

    expect(await (await readOnly(list, `/api/v1/schedules?workflowId=${workflowId}`)).json()).toMatchObject({ items: [{ id: schedule.id, timezone: "Asia/Tokyo" }] });
    expect((await readOnly(getSchedule, `/api/v1/schedules/${schedule.id}`, { params })).status).toBe(200);
    expect((await readOnly(PATCH, `/api/v1/schedules/${schedule.id}`, { method: "PATCH", params, body: { name: "x" } })).status).toBe(403);

    expect((await call(DELETE, `/api/v1/schedules/${schedule.id}`, { method: "DELETE", params })).status).toBe(204);
    expect((await call(getSchedule, `/api/v1/schedules/${schedule.id}`, { params })).status).toBe(404);
  });

  it("answers 422 for an invalid pattern and 404 for another workspace's workflow", async () => {
    const invalid = await call(create, "/api/v1/schedules", { method: "POST", body: { workflowId, cron: "every day" } });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ errors: { cron: [expect.stringContaining("invalid cron pattern")] } });
    const theirs = await callerFor(ctx.db(), cast.outsider).workflow.create({ workspaceId: cast.otherWorkspace.id, name: "Theirs" });
    expect((await call(create, "/api/v1/schedules", { method: "POST", body: { workflowId: theirs.id, cron: "0 * * * *" } })).status).toBe(404);
  });
});
