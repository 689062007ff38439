import { TRPCError } from "@trpc/server";
import { AppErrorWithExtensions, type ErrorExtensions } from "../services/errors";

/** The TRPCError a call rejects with; fails the test if it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<TRPCError & { extensions: ErrorExtensions; fieldErrors: Record<string, string[]> | undefined }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${error === null ? "success" : String(error)}`);
  const cause = error.cause;
  return Object.assign(error, {
    extensions: cause instanceof AppErrorWithExtensions ? cause.extensions : {},
    fieldErrors: (cause as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? fieldErrorsOfZod(cause),
  });
}

function fieldErrorsOfZod(cause: unknown): Record<string, string[]> | undefined {
  const issues = (cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined)?.issues;
  if (!issues) return undefined;
  const out: Record<string, string[]> = {};
  for (const issue of issues) (out[issue.path.map(String).join(".") || "_"] ??= []).push(issue.message);
  return out;
}
