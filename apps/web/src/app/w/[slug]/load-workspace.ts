import "server-only";
import { cache } from "react";
import { orNotFound, requireUser, serverCaller } from "~/server/caller";

/**
 * The workspace behind `/w/[slug]` with the caller's role, once per request
 * (the layout, the page and its metadata share it). Signed out → sign-in;
 * unknown slug or not a member → the 404 page.
 */
export const loadWorkspace = cache(async (slug: string) => {
  await requireUser(`/w/${encodeURIComponent(slug)}`);
  const caller = await serverCaller();
  return orNotFound(caller.workspace.bySlug({ slug }));
});

export type LoadedWorkspace = Awaited<ReturnType<typeof loadWorkspace>>;
