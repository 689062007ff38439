import type { Metadata } from "next";
import { GeneralSettings } from "~/components/settings/general-settings";
import { loadWorkspace } from "../load-workspace";

export const metadata: Metadata = { title: "General settings" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function GeneralSettingsPage({ params }: Props) {
  const { slug } = await params;
  const workspace = await loadWorkspace(slug);
  return <GeneralSettings personal={workspace.personal} />;
}
