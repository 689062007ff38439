import { Loading } from "~/components/ui/status";

export default function EditorLoading() {
  return (
    <div className="editor editor-loading">
      <Loading>Opening the editor…</Loading>
    </div>
  );
}
