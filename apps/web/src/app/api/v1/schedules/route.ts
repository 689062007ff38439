import { createSchedule, listSchedules } from "@trellis/api";
import { restOperation, scheduleOperations } from "@trellis/api/rest";

export const GET = restOperation(scheduleOperations.list, async ({ scope, query }) => ({ body: { items: await listSchedules(scope, query) } }));

export const POST = restOperation(scheduleOperations.create, async ({ scope, body }) => {
  const schedule = await createSchedule(scope, body);
  return { body: schedule, headers: { location: `/api/v1/schedules/${schedule.id}` } };
});
