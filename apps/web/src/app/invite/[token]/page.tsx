import type { Metadata } from "next";
import Link from "next/link";
import { TRPCError } from "@trpc/server";
import { Brand } from "~/components/brand";
import { formatDateTime } from "~/components/format";
import { AcceptInvite } from "~/components/invite/accept-invite";
import { roleAbilities, roleLabel, withArticle } from "~/components/workspace/roles";
import { SignOutButton } from "~/components/workspace/sign-out-button";
import { requireUser, serverCaller } from "~/server/caller";

export const metadata: Metadata = { title: "Workspace invitation" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }> };

type Problem = { title: string; message: string };

/** Why an invite cannot be used, in words for the invitee; anything unexpected is rethrown. */
function describe(error: unknown): Problem {
  if (!(error instanceof TRPCError)) throw error;
  switch (error.code) {
    case "NOT_FOUND":
    case "BAD_REQUEST":
      return {
        title: "Invite not found",
        message:
          "This invite link is not valid. It may have been revoked, or only part of the link was copied. Ask a workspace admin for a new invite.",
      };
    case "CONFLICT":
      return /expired/i.test(error.message)
        ? { title: "Invite expired", message: "This invite has expired. Ask a workspace admin for a new one." }
        : {
            title: "Invite already used",
            message: "This invite has already been accepted. If it was you, the workspace is in your workspace list.",
          };
    default:
      throw error;
  }
}

export default async function InvitePage({ params }: Props) {
  const { token } = await params;
  const returnTo = `/invite/${encodeURIComponent(token)}`;
  const user = await requireUser(returnTo);
  const caller = await serverCaller();
  let preview: Awaited<ReturnType<typeof caller.invite.preview>> | undefined;
  let problem: Problem | undefined;
  try {
    preview = await caller.invite.preview({ token });
  } catch (error) {
    problem = describe(error);
  }

  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <Brand />
        {problem || !preview ? (
          <>
            <h1>{problem?.title ?? "Invite not found"}</h1>
            <div className="alert error" role="alert">
              {problem?.message ?? "This invite link cannot be used to join a workspace."}
            </div>
            <Link className="button" href="/">
              Go to your workspaces
            </Link>
          </>
        ) : (
          <>
            <div>
              <p className="eyebrow">You are invited</p>
              <h1>Join {preview.workspaceName}</h1>
              <p className="muted">
                You have been invited to join <strong>{preview.workspaceName}</strong> as {withArticle(preview.role)}.
              </p>
            </div>
            <dl className="details">
              <dt>Workspace</dt>
              <dd>{preview.workspaceName}</dd>
              <dt>Role</dt>
              <dd>
                <span className="badge accent">{roleLabel[preview.role]}</span>{" "}
                <span className="muted small">{roleAbilities[preview.role]}</span>
              </dd>
              <dt>Invited email</dt>
              <dd>{preview.email}</dd>
              <dt>Expires</dt>
              <dd>{formatDateTime(preview.expiresAt)}</dd>
            </dl>
            {preview.emailMatches ? (
              <>
                <AcceptInvite token={token} />
                <Link className="button" href="/">
                  Not now
                </Link>
              </>
            ) : (
              <>
                <div className="alert warning" role="alert">
                  This invite was sent to <strong>{preview.email}</strong>, but you are signed in as{" "}
                  <strong>{user.email}</strong>. Sign out and sign in (or create an account) as {preview.email} to accept
                  it.
                </div>
                <AcceptInvite token={token} disabled />
                <SignOutButton className="button" callbackUrl={returnTo} />
              </>
            )}
            <p className="muted small">Signed in as {user.email}</p>
          </>
        )}
      </div>
    </main>
  );
}
