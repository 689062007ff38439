import { Loading } from "~/components/ui/status";

export default function RunsLoading() {
  return <Loading>Loading runs…</Loading>;
}
