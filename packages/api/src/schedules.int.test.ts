import { expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor, rejection, workspaceWithRoles } from "./testing";

const hourIn = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);

describeEachDriver("schedules", (ctx) => {
  async function setup() {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    const workspaceId = cast.workspace.id;
    const editor = callerFor(db, cast.editor);
    const workflow = await editor.workflow.create({ workspaceId, name: "Scheduled" });
    return { db, cast, workspaceId, editor, viewer: callerFor(db, cast.viewer), workflowId: workflow.id };
  }

  it("creates a schedule in a time zone and shows its next five fire times", async () => {
    const { workspaceId, editor, viewer, workflowId } = await setup();
    const before = Date.now();
    const schedule = await editor.schedule.create({ workspaceId, workflowId, name: "Morning", cron: "0 9 * * *", timezone: "Europe/Paris", input: { region: "eu" } });
    expect(schedule).toMatchObject({ workflowId, name: "Morning", cron: "0 9 * * *", timezone: "Europe/Paris", input: { region: "eu" }, active: true, lastSlotAt: null });
    expect(schedule.nextFireTimes).toHaveLength(5);
    for (const time of schedule.nextFireTimes) expect(hourIn(time, "Europe/Paris")).toBe("09:00");
    const times = schedule.nextFireTimes.map((t) => t.getTime());
    expect(times[0]).toBeGreaterThan(before);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect(schedule.nextRunAt).toEqual(schedule.nextFireTimes[0]);

    expect(await viewer.schedule.get({ workspaceId, scheduleId: schedule.id })).toMatchObject({ id: schedule.id, nextRunAt: schedule.nextRunAt });
  });

  it("refuses a pattern croner rejects and a zone that does not exist, by field", async () => {
    const { workspaceId, editor, workflowId } = await setup();
    const badCron = await rejection(editor.schedule.create({ workspaceId, workflowId, cron: "61 * * * *" }));
    expect(badCron.code).toBe("UNPROCESSABLE_CONTENT");
    expect(Object.keys(badCron.fieldErrors ?? {})).toEqual(["cron"]);
    const badZone = await rejection(editor.schedule.create({ workspaceId, workflowId, cron: "0 * * * *", timezone: "Mars/Olympus_Mons" }));
    expect(badZone.fieldErrors).toEqual({ timezone: ['unknown IANA time zone "Mars/Olympus_Mons"'] });
  });

  it("pauses and resumes, recomputing the next slot from now", async () => {
    const { workspaceId, editor, workflowId } = await setup();
    const schedule = await editor.schedule.create({ workspaceId, workflowId, cron: "*/10 * * * *" });
    const paused = await editor.schedule.pause({ workspaceId, scheduleId: schedule.id });
    expect(paused).toMatchObject({ active: false, nextRunAt: null, nextFireTimes: [] });
    const resumed = await editor.schedule.resume({ workspaceId, scheduleId: schedule.id });
    expect(resumed.active).toBe(true);
    expect(resumed.nextRunAt?.getTime()).toBeGreaterThan(Date.now() - 1_000);
    expect(resumed.nextFireTimes).toHaveLength(5);
    expect(resumed.nextFireTimes.every((t) => t.getUTCMinutes() % 10 === 0)).toBe(true);
  });

  it("updates the pattern (moving the next slot) or just the name (keeping it)", async () => {
    const { workspaceId, editor, workflowId } = await setup();
    const schedule = await editor.schedule.create({ workspaceId, workflowId, cron: "0 0 1 1 *" });
    const renamed = await editor.schedule.update({ workspaceId, scheduleId: schedule.id, name: "New year" });
    expect(renamed).toMatchObject({ name: "New year", nextRunAt: schedule.nextRunAt });
    const hourly = await editor.schedule.update({ workspaceId, scheduleId: schedule.id, cron: "30 * * * *" });
    expect(hourly.nextRunAt?.getUTCMinutes()).toBe(30);
    expect(hourly.nextRunAt!.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect((await rejection(editor.schedule.update({ workspaceId, scheduleId: schedule.id, timezone: "Nowhere/Land" }))).code).toBe("UNPROCESSABLE_CONTENT");
    expect((await rejection(editor.schedule.update({ workspaceId, scheduleId: schedule.id }))).code).toBe("BAD_REQUEST");
  });

  it("lists by workflow, deletes, and keeps other workspaces' schedules out of reach", async () => {
    const { db, cast, workspaceId, editor, viewer, workflowId } = await setup();
    const other = await editor.workflow.create({ workspaceId, name: "Other" });
    const a = await editor.schedule.create({ workspaceId, workflowId, cron: "0 * * * *" });
    const b = await editor.schedule.create({ workspaceId, workflowId: other.id, cron: "0 * * * *", active: false });
    expect(b).toMatchObject({ active: false, nextRunAt: null, nextFireTimes: [] });
    expect((await viewer.schedule.list({ workspaceId })).map((s) => s.id)).toEqual([a.id, b.id]);
    expect((await viewer.schedule.list({ workspaceId, workflowId })).map((s) => s.id)).toEqual([a.id]);

    await editor.schedule.delete({ workspaceId, scheduleId: a.id });
    expect((await rejection(viewer.schedule.get({ workspaceId, scheduleId: a.id }))).code).toBe("NOT_FOUND");

    const outsider = callerFor(db, cast.outsider);
    const theirWorkflow = await outsider.workflow.create({ workspaceId: cast.otherWorkspace.id, name: "Theirs" });
    const theirs = await outsider.schedule.create({ workspaceId: cast.otherWorkspace.id, workflowId: theirWorkflow.id, cron: "0 * * * *" });
    for (const call of [
      () => viewer.schedule.get({ workspaceId, scheduleId: theirs.id }),
      () => editor.schedule.update({ workspaceId, scheduleId: theirs.id, name: "mine" }),
      () => editor.schedule.pause({ workspaceId, scheduleId: theirs.id }),
      () => editor.schedule.delete({ workspaceId, scheduleId: theirs.id }),
    ]) {
      expect((await rejection(call())).code).toBe("NOT_FOUND");
    }
    expect((await outsider.schedule.get({ workspaceId: cast.otherWorkspace.id, scheduleId: theirs.id })).active).toBe(true);
  });
});
