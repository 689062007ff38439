import { redirect } from "next/navigation";
import { currentUser } from "~/server/auth";
import { serverCaller } from "~/server/caller";

export const dynamic = "force-dynamic";

/** Signed in: the first workspace (personal first). Otherwise: sign in. */
export default async function Home() {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  const workspaces = await (await serverCaller()).workspace.list();
  const first = workspaces[0];
  redirect(first ? `/w/${first.slug}` : "/workspaces/new");
}
