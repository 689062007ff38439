import type { Metadata } from "next";
import { WebhooksSettings } from "~/components/settings/webhooks-settings";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Webhooks" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function WebhooksPage({ params }: Props) {
  const { slug } = await params;
  await loadWorkspace(slug);
  return <WebhooksSettings />;
}
