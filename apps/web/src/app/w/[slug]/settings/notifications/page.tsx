import type { Metadata } from "next";
import { NotificationsSettings } from "~/components/settings/notifications-settings";
import { NeedsRole } from "~/components/ui/status";
import { hasRole } from "~/components/workspace/roles";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Notifications" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function NotificationsPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  // Subscription URLs are often credentials themselves (chat webhooks): admins only, reading included.
  if (!hasRole(workspace.role, "admin")) {
    return (
      <section className="card stack" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">Notifications</h2>
        <NeedsRole role="admin" action="see or change where run notifications are sent" />
      </section>
    );
  }
  return <NotificationsSettings />;
}
