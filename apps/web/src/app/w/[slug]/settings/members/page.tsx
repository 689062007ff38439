import type { Metadata } from "next";
import { MembersSettings } from "~/components/settings/members-settings";
import { requireUser } from "~/server/caller";
import { loadWorkspace } from "../../load-workspace";

export const metadata: Metadata = { title: "Members" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export default async function MembersPage({ params }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/w/${encodeURIComponent(slug)}/settings/members`);
  await loadWorkspace(slug);
  return <MembersSettings currentUserId={user.id} />;
}
