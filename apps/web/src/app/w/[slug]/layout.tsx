import type { ReactNode } from "react";
import { Brand } from "~/components/brand";
import { TopNav } from "~/components/workspace/top-nav";
import { UserMenu } from "~/components/workspace/user-menu";
import { WorkspaceProvider } from "~/components/workspace/workspace-context";
import { WorkspaceSwitcher } from "~/components/workspace/workspace-switcher";
import { requireUser, serverCaller } from "~/server/caller";
import { loadWorkspace } from "./load-workspace";

export const dynamic = "force-dynamic";

type Props = { children: ReactNode; params: Promise<{ slug: string }> };

/** The app shell of one workspace: brand, switcher, navigation, account. */
export default async function WorkspaceLayout({ children, params }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/w/${encodeURIComponent(slug)}`);
  const workspace = await loadWorkspace(slug);
  const workspaces = await (await serverCaller()).workspace.list();
  const current = { id: workspace.id, slug: workspace.slug, name: workspace.name, role: workspace.role };

  return (
    <WorkspaceProvider value={current}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Brand />
          <span className="topbar-divider" aria-hidden />
          <WorkspaceSwitcher initialWorkspaces={workspaces} />
          <TopNav />
          <span className="spacer" />
          <UserMenu email={user.email} name={user.name} />
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </WorkspaceProvider>
  );
}
