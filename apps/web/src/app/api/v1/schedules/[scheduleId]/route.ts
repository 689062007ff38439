import { deleteSchedule, getScheduleOrThrow, updateSchedule } from "@trellis/api";
import { restOperation, scheduleOperations } from "@trellis/api/rest";

export const GET = restOperation(scheduleOperations.get, async ({ scope, path }) => ({ body: await getScheduleOrThrow(scope, path) }));

export const PATCH = restOperation(scheduleOperations.update, async ({ scope, path, body }) => ({
  body: await updateSchedule(scope, { ...body, scheduleId: path.scheduleId }),
}));

export const DELETE = restOperation(scheduleOperations.delete, async ({ scope, path }) => {
  await deleteSchedule(scope, path);
});
