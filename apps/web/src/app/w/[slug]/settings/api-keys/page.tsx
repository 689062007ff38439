import type { Metadata } from "next";
import { apiScopes } from "@trellis/api";
import { ApiKeysSettings } from "~/components/settings/api-keys-settings";
import { NeedsRole } from "~/components/ui/status";
import { hasRole } from "~/components/workspace/roles";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function ApiKeysPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  if (!hasRole(workspace.role, "admin")) {
    return (
      <section className="card stack" aria-labelledby="api-keys-heading">
        <h2 id="api-keys-heading">API keys</h2>
        <NeedsRole role="admin" action="create, view or revoke API keys" />
      </section>
    );
  }
  return <ApiKeysSettings scopes={[...apiScopes]} />;
}
