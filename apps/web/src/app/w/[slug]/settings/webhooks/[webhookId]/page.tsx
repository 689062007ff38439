import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WebhookDetail } from "~/components/settings/webhook-detail";
import { loadWorkspace } from "../../../load-workspace";

export const metadata: Metadata = { title: "Webhook" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string; webhookId: string }> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function WebhookPage({ params }: Props) {
  const { slug, webhookId } = await params;
  await loadWorkspace(slug);
  if (!UUID.test(webhookId)) notFound();
  return <WebhookDetail webhookId={webhookId} />;
}
