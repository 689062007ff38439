import { Loading } from "~/components/ui/status";

export default function SettingsLoading() {
  return <Loading>Loading settings…</Loading>;
}
