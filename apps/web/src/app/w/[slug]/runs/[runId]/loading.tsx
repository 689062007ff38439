import { Loading } from "~/components/ui/status";

export default function RunLoading() {
  return <Loading>Loading run…</Loading>;
}
