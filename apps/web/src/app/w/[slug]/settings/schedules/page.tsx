import type { Metadata } from "next";
import { SchedulesSettings } from "~/components/settings/schedules-settings";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Schedules" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function SchedulesPage({ params }: Props) {
  const { slug } = await params;
  await loadWorkspace(slug);
  return <SchedulesSettings />;
}
