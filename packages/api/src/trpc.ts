import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { AppError, fieldErrorsFromIssues, type FieldErrors } from "@trellis/config/errors";
import { findMembership, hasRole } from "@trellis/auth";
import type { Role } from "@trellis/db/schema";
import type { Context } from "./context";
import { AppErrorWithExtensions } from "./services/errors";
import { limit } from "./rate-limit";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Live run updates stream over SSE: pings keep idle streams open through proxies, and a client that
  // hears nothing for longer reconnects (resuming after the last event id it received).
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    let fieldErrors: FieldErrors | undefined;
    if (cause instanceof ZodError) fieldErrors = fieldErrorsFromIssues(cause.issues);
    else if (cause instanceof AppError) fieldErrors = cause.fieldErrors;
    const hidden = error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof AppError);
    return {
      ...shape,
      // Unexpected failures keep their detail in the log, never in the answer.
      message: hidden ? "Something went wrong. Try again, or quote the request id." : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        requestId: ctx?.requestId,
        fieldErrors,
        // Compiler problems and the current revision, so the editor can show them.
        ...(cause instanceof AppErrorWithExtensions ? cause.extensions : {}),
      },
    };
  },
});

/** Turns the domain's AppError into the tRPC error with the same meaning. */
const translateErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone. */
export const publicProcedure = t.procedure.use(translateErrors);

/** A signed-in user; narrows `ctx.user` to non-null. Mutations count against the user's rate limit. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  if (type === "mutation") {
    const verdict = await limit("trpcMutationUser", ctx.user.id);
    if (!verdict.success) {
      const seconds = Math.max(1, Math.ceil((verdict.resetAt - Date.now()) / 1000));
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `Too many changes at once: try again in ${seconds} s` });
    }
  }
  return next({ ctx: { user: ctx.user } });
});

export const workspaceInput = z.object({ workspaceId: z.uuid("Unknown workspace") });

/**
 * A member of the workspace named by `input.workspaceId` holding at least
 * `minimum`. The one place roles are enforced: a non-member gets NOT_FOUND
 * (another workspace's existence is not revealed), a member with too small a
 * role gets FORBIDDEN.
 */
export function workspaceProcedure(minimum: Role) {
  return protectedProcedure.input(workspaceInput).use(async ({ ctx, input, next }) => {
    const membership = await findMembership(ctx.db, ctx.user.id, input.workspaceId);
    if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Workspace not found" });
    if (!hasRole(membership.role, minimum)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${minimum} role or higher; you are ${membership.role === "admin" ? "an" : "a"} ${membership.role}`,
      });
    }
    return next({ ctx: { workspace: { id: membership.workspaceId, role: membership.role, slug: membership.slug } } });
  });
}

export const viewerProcedure = workspaceProcedure("viewer");
export const editorProcedure = workspaceProcedure("editor");
export const adminProcedure = workspaceProcedure("admin");
export const ownerProcedure = workspaceProcedure("owner");
