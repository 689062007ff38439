import type { Metadata } from "next";
import { SecretsSettings } from "~/components/settings/secrets-settings";
import { NeedsRole } from "~/components/ui/status";
import { hasRole } from "~/components/workspace/roles";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Secrets" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function SecretsPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  if (!hasRole(workspace.role, "editor")) {
    return (
      <section className="card stack" aria-labelledby="secrets-heading">
        <h2 id="secrets-heading">Secrets</h2>
        <NeedsRole role="editor" action="see the names of this workspace's secrets" />
      </section>
    );
  }
  return <SecretsSettings />;
}
