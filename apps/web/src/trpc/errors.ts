import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@trellis/api";

/** The message and field errors of a failed mutation, ready for a form. */
export function formError(error: unknown): { message: string; fieldErrors: Record<string, string[]> } {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data as { fieldErrors?: Record<string, string[]> } | undefined;
    const fieldErrors = data?.fieldErrors ?? {};
    const first = Object.values(fieldErrors)[0]?.[0];
    return { message: error.message.startsWith("[") && first ? first : error.message, fieldErrors };
  }
  return { message: error instanceof Error ? error.message : "Something went wrong", fieldErrors: {} };
}
