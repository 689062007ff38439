import { tracked, TRPCError } from "@trpc/server";
import { AppError } from "@trellis/config/errors";
import { z } from "zod";
import { followRunEvents, followRunStatuses } from "../services/run-live";
import {
  cancelWorkflowRun,
  deadLetterQuery,
  decideApprovalInput,
  decideRunApproval,
  deleteWorkflowRun,
  dismissDeadLetter,
  getRunDetailOrThrow,
  listDeadLetters,
  listRuns,
  listRunsQuery,
  pauseWorkflowRun,
  previewRunRetry,
  replayDeadLetter,
  resumeWorkflowRun,
  retryInput,
  retryPreviewInput,
  retryWorkflowRun,
  runIdInput,
  sendEventBody,
  sendRunEvent,
  startBatchInput,
  startRunInput,
  startWorkflowRun,
  startWorkflowRunBatch,
} from "../services/runs";
import { editorProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

const runEventsInput = runIdInput.extend({
  /** Set by httpSubscriptionLink when it reconnects: the id of the last event received. */
  lastEventId: z.string().regex(/^\d{1,18}$/, "Pass the id of an event this subscription sent").nullish(),
});

/**
 * A subscription's errors surface after its middlewares ran, so the
 * AppError → TRPCError translation is repeated here (a NOT_FOUND must not
 * reach the client as an internal error).
 */
async function* translated<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    if (error instanceof AppError) throw new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
}

export const runRouter = router({
  list: viewerProcedure.input(listRunsQuery).query(({ ctx, input }) => listRuns(scopeOf(ctx), input)),
  get: viewerProcedure.input(runIdInput).query(({ ctx, input }) => getRunDetailOrThrow(scopeOf(ctx), input)),
  start: editorProcedure.input(startRunInput).mutation(({ ctx, input }) => startWorkflowRun(scopeOf(ctx), input)),
  startBatch: editorProcedure.input(startBatchInput).mutation(({ ctx, input }) => startWorkflowRunBatch(scopeOf(ctx), input)),
  cancel: editorProcedure.input(runIdInput).mutation(({ ctx, input }) => cancelWorkflowRun(scopeOf(ctx), input)),
  pause: editorProcedure.input(runIdInput).mutation(({ ctx, input }) => pauseWorkflowRun(scopeOf(ctx), input)),
  resume: editorProcedure.input(runIdInput).mutation(({ ctx, input }) => resumeWorkflowRun(scopeOf(ctx), input)),
  retry: editorProcedure.input(retryInput).mutation(({ ctx, input }) => retryWorkflowRun(scopeOf(ctx), input)),
  retryPreview: viewerProcedure.input(retryPreviewInput).query(({ ctx, input }) => previewRunRetry(scopeOf(ctx), input)),
  delete: editorProcedure.input(runIdInput).mutation(({ ctx, input }) => deleteWorkflowRun(scopeOf(ctx), input)),
  sendEvent: editorProcedure.input(sendEventBody).mutation(({ ctx, input }) => sendRunEvent(scopeOf(ctx), input)),
  decideApproval: editorProcedure
    .input(decideApprovalInput)
    .mutation(({ ctx, input }) => decideRunApproval(scopeOf(ctx), { ...input, by: ctx.user.id, byEmail: ctx.user.email })),
  deadLetters: viewerProcedure.input(deadLetterQuery).query(({ ctx, input }) => listDeadLetters(scopeOf(ctx), input)),
  replayDeadLetter: editorProcedure.input(runIdInput).mutation(({ ctx, input }) => replayDeadLetter(scopeOf(ctx), input)),
  dismissDeadLetter: editorProcedure.input(runIdInput).mutation(({ ctx, input }) => dismissDeadLetter(scopeOf(ctx), input)),

  /** A run's timeline, live (SSE): past entries after `lastEventId`, then new ones; ends with the run. */
  events: viewerProcedure.input(runEventsInput).subscription(async function* ({ ctx, input, signal }) {
    const afterId = input.lastEventId ? Number(input.lastEventId) : 0;
    for await (const event of translated(followRunEvents({ ...scopeOf(ctx), handle: ctx.handle }, { runId: input.runId, afterId }, signal))) {
      yield tracked(String(event.id), event);
    }
  }),
  /** The workspace's runs as they are created and change status, live (SSE). */
  statusChanges: viewerProcedure.subscription(async function* ({ ctx, signal }) {
    yield* translated(followRunStatuses({ ...scopeOf(ctx), handle: ctx.handle }, signal));
  }),
});
