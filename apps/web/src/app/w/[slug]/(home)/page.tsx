import type { Metadata } from "next";
import Link from "next/link";
import { formatDate, plural } from "~/components/format";
import { hasRole, roleAbilities, roleLabel, withArticle } from "~/components/workspace/roles";
import { loadWorkspace } from "../load-workspace";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  return { title: workspace.name };
}

export default async function WorkspaceOverview({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  const isAdmin = hasRole(workspace.role, "admin");
  const settings = `/w/${workspace.slug}/settings`;

  return (
    <>
      <div className="page-header">
        <span className="ws-avatar lg" aria-hidden>
          {workspace.name.trim().charAt(0).toUpperCase()}
        </span>
        <div>
          <h1>{workspace.name}</h1>
          <ul className="facts" aria-label="Workspace facts">
            <li>
              Your role <span className="badge accent">{roleLabel[workspace.role]}</span>
            </li>
            <li>{plural(workspace.memberCount, "member")}</li>
            {workspace.personal ? <li>Personal workspace</li> : null}
            <li>Created {formatDate(workspace.createdAt)}</li>
          </ul>
        </div>
      </div>

      <section aria-labelledby="getting-started">
        <h2 id="getting-started">Getting started</h2>
        <div className="cards">
          {isAdmin ? (
            <>
              <article className="card link-card">
                <h3>Members &amp; invites</h3>
                <p className="muted">
                  Invite teammates by email and pick their role. Trellis gives you a link to share: no mail server needed.
                </p>
                <Link className="button" href={`${settings}/members`}>
                  Manage members
                </Link>
              </article>
              <article className="card link-card">
                <h3>API keys</h3>
                <p className="muted">
                  Create keys with only the scopes a script or CI job needs, and call the REST API with{" "}
                  <code>Authorization: Bearer</code>.
                </p>
                <Link className="button" href={`${settings}/api-keys`}>
                  Manage API keys
                </Link>
              </article>
            </>
          ) : (
            <article className="card link-card">
              <h3>Your team</h3>
              <p className="muted">See who else works in {workspace.name} and what role each person has.</p>
              <Link className="button" href={`${settings}/members`}>
                View members
              </Link>
            </article>
          )}
          <article className="card link-card">
            <h3>You are {withArticle(workspace.role)}</h3>
            <p className="muted">
              As {roleLabel[workspace.role].toLowerCase()} you {roleAbilities[workspace.role]}. Run history is kept for{" "}
              {plural(workspace.runRetentionDays, "day")}.
            </p>
            <Link className="button" href={settings}>
              Workspace settings
            </Link>
          </article>
        </div>
      </section>
    </>
  );
}
