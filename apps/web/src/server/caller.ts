import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";
import { createCaller, createContext } from "@trellis/api";
import { getAppDatabase } from "@trellis/db";
import { currentUser } from "./auth";
import { currentRequestId } from "./request-id";

/** tRPC procedures called in-process from server components, as the signed-in user. */
export async function serverCaller() {
  const [{ db }, user, requestId] = await Promise.all([getAppDatabase(), currentUser(), currentRequestId()]);
  return createCaller(createContext({ db, user, requestId }));
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string) {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** Turns a NOT_FOUND from a procedure into the 404 page. */
export async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
