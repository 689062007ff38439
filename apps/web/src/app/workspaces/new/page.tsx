import type { Metadata } from "next";
import Link from "next/link";
import { Brand } from "~/components/brand";
import { CreateWorkspaceForm } from "~/components/workspace/create-workspace-form";
import { SignOutButton } from "~/components/workspace/sign-out-button";
import { requireUser, serverCaller } from "~/server/caller";

export const metadata: Metadata = { title: "Create a workspace" };
export const dynamic = "force-dynamic";

export default async function NewWorkspacePage() {
  const user = await requireUser("/workspaces/new");
  const workspaces = await (await serverCaller()).workspace.list();
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <Brand />
        <div>
          <h1>Create a workspace</h1>
          <p className="muted">
            A workspace holds workflows, runs, members and API keys. You will be its owner and can invite others.
          </p>
        </div>
        <CreateWorkspaceForm />
        {workspaces.length > 0 ? (
          <Link className="button" href="/">
            Cancel
          </Link>
        ) : (
          <div className="row muted small">
            <span>Signed in as {user.email}</span>
            <span className="spacer" />
            <SignOutButton />
          </div>
        )}
      </div>
    </main>
  );
}
