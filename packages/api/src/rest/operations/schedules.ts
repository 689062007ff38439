import { z } from "zod";
import { createScheduleInput, listSchedulesInput, schedulePatchSchema, scheduleSchema } from "../../services/schedules";
import { defineOperation } from "../operation";

const schedulePath = z.object({ scheduleId: z.uuid() });
const tag = "Schedules";

export const scheduleOperations = {
  list: defineOperation({
    id: "listSchedules",
    method: "GET",
    path: "/schedules",
    scope: "schedules:read",
    tag,
    resource: "Schedule",
    summary: "List schedules with their next fire times",
    query: listSchedulesInput,
    success: { status: 200, description: "The schedules", schema: z.object({ items: z.array(scheduleSchema) }) },
  }),
  create: defineOperation({
    id: "createSchedule",
    method: "POST",
    path: "/schedules",
    scope: "schedules:write",
    tag,
    resource: "Schedule",
    summary: "Schedule a workflow with a cron pattern in a time zone",
    body: createScheduleInput,
    success: { status: 201, description: "The schedule", schema: scheduleSchema, headers: ["Location"] },
  }),
  get: defineOperation({
    id: "getSchedule",
    method: "GET",
    path: "/schedules/{scheduleId}",
    scope: "schedules:read",
    tag,
    resource: "Schedule",
    summary: "Get a schedule",
    params: schedulePath,
    success: { status: 200, description: "The schedule", schema: scheduleSchema },
  }),
  update: defineOperation({
    id: "updateSchedule",
    method: "PATCH",
    path: "/schedules/{scheduleId}",
    scope: "schedules:write",
    tag,
    resource: "Schedule",
    summary: "Change, pause (active: false) or resume (active: true) a schedule",
    params: schedulePath,
    body: schedulePatchSchema,
    success: { status: 200, description: "The schedule", schema: scheduleSchema },
  }),
  delete: defineOperation({
    id: "deleteSchedule",
    method: "DELETE",
    path: "/schedules/{scheduleId}",
    scope: "schedules:write",
    tag,
    resource: "Schedule",
    summary: "Delete a schedule",
    params: schedulePath,
    success: { status: 204, description: "Deleted" },
  }),
};
