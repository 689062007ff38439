import { Loading } from "~/components/ui/status";

export default function WorkspaceLoading() {
  return <Loading>Loading workspace…</Loading>;
}
