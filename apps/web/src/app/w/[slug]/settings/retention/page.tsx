import type { Metadata } from "next";
import { RetentionSettings } from "~/components/settings/retention-settings";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Retention" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function RetentionPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  return <RetentionSettings runRetentionDays={workspace.runRetentionDays} />;
}
