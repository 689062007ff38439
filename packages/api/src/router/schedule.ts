import {
  createSchedule,
  createScheduleInput,
  deleteSchedule,
  getScheduleOrThrow,
  listSchedules,
  listSchedulesInput,
  pauseSchedule,
  resumeSchedule,
  scheduleIdInput,
  updateSchedule,
  updateScheduleInput,
} from "../services/schedules";
import { editorProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

export const scheduleRouter = router({
  list: viewerProcedure.input(listSchedulesInput).query(({ ctx, input }) => listSchedules(scopeOf(ctx), input)),
  get: viewerProcedure.input(scheduleIdInput).query(({ ctx, input }) => getScheduleOrThrow(scopeOf(ctx), input)),
  create: editorProcedure.input(createScheduleInput).mutation(({ ctx, input }) => createSchedule(scopeOf(ctx), input)),
  update: editorProcedure.input(updateScheduleInput).mutation(({ ctx, input }) => updateSchedule(scopeOf(ctx), input)),
  pause: editorProcedure.input(scheduleIdInput).mutation(({ ctx, input }) => pauseSchedule(scopeOf(ctx), input)),
  resume: editorProcedure.input(scheduleIdInput).mutation(({ ctx, input }) => resumeSchedule(scopeOf(ctx), input)),
  delete: editorProcedure.input(scheduleIdInput).mutation(({ ctx, input }) => deleteSchedule(scopeOf(ctx), input)),
});
