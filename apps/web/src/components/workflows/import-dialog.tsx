"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import type { RouterInputs, RouterOutputs } from "@trellis/api";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { Icon } from "../editor/icons";
import { DialogActions, Modal } from "../ui/modal";
import { useWorkspace } from "../workspace/workspace-context";

type ImportDocument = Omit<RouterInputs["workflow"]["import"], "workspaceId">;
type Imported = RouterOutputs["workflow"]["import"];

/** Creates a workflow from an exported JSON document (a file or pasted text) and shows what the compiler says about it. */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onClose={onClose} title="Import a workflow" description="A JSON export from Trellis (format “trellis.workflow”). Its draft is kept even if it still has problems.">
      <ImportForm key={open ? "open" : "closed"} onClose={onClose} />
    </Modal>
  );
}

function ImportForm({ onClose }: { onClose: () => void }) {
  const workspace = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [source, setSource] = useState<"file" | "paste">("file");
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [syntax, setSyntax] = useState<string | null>(null);
  const [result, setResult] = useState<Imported | null>(null);
  const textId = useId();
  const fileId = useId();
  const open = (id: string) => router.push(`/w/${workspace.slug}/workflows/${id}`);
  const importWorkflow = useMutation(
    trpc.workflow.import.mutationOptions({
      onSuccess: async (imported) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workflow.list.queryKey() });
        if (imported.problems.length === 0) open(imported.workflow.id);
        else setResult(imported);
      },
    }),
  );
  const failure = importWorkflow.error ? formError(importWorkflow.error) : undefined;

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setSyntax(null);
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      setSyntax(`This is not valid JSON: ${error instanceof Error ? error.message : "syntax error"}`);
      return;
    }
    setSyntax(null);
    importWorkflow.mutate({ ...(document as ImportDocument), workspaceId: workspace.id });
  }

  if (result) {
    const errors = result.problems.filter((p) => p.severity === "error");
    return (
      <div className="stack">
        <div className={`alert ${errors.length > 0 ? "warning" : "info"}`} role="status">
          Imported “{result.workflow.name}”. The compiler found {result.problems.length} thing{result.problems.length === 1 ? "" : "s"} to look at before it can be published:
        </div>
        <ul className="import-problems">
          {result.problems.map((problem, index) => (
            <li key={index} className={problem.severity}>
              <Icon name={problem.severity === "error" ? "alert" : "warning"} size={14} />
              <span>
                {problem.message}
                {problem.nodeId ? <span className="muted"> — node {problem.nodeId}</span> : null}
              </span>
            </li>
          ))}
        </ul>
        <DialogActions onCancel={onClose} cancelLabel="Close">
          <button type="button" className="button primary" onClick={() => open(result.workflow.id)}>
            Open in editor
          </button>
        </DialogActions>
      </div>
    );
  }

  const fieldErrors = Object.entries(failure?.fieldErrors ?? {});
  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Import a workflow">
      <div className="segmented" role="radiogroup" aria-label="Source">
        <label className={source === "file" ? "active" : undefined}>
          <input type="radio" name="source" value="file" checked={source === "file"} onChange={() => setSource("file")} /> File
        </label>
        <label className={source === "paste" ? "active" : undefined}>
          <input type="radio" name="source" value="paste" checked={source === "paste"} onChange={() => setSource("paste")} /> Paste JSON
        </label>
      </div>
      {source === "file" ? (
        <label className="field" htmlFor={fileId}>
          JSON file
          <input id={fileId} className="input file-input" type="file" accept="application/json,.json" onChange={(event) => void onFile(event)} />
          {fileName ? <span className="hint">{fileName} · {Math.ceil(text.length / 1024)} KB</span> : null}
        </label>
      ) : (
        <label className="field" htmlFor={textId}>
          Workflow JSON
          <textarea id={textId} className="input textarea mono" rows={10} value={text} spellCheck={false} placeholder='{ "format": "trellis.workflow", "formatVersion": 1, … }' onChange={(event) => setText(event.target.value)} />
        </label>
      )}
      {syntax ? (
        <div className="alert error" role="alert">
          {syntax}
        </div>
      ) : null}
      {failure ? (
        <div className="alert error" role="alert">
          <p>{fieldErrors.length > 0 ? "The document does not match the export format:" : failure.message}</p>
          {fieldErrors.length > 0 ? (
            <ul className="import-problems">
              {fieldErrors.slice(0, 12).map(([path, messages]) => (
                <li key={path}>
                  <code>{path}</code> {messages.join(" ")}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <DialogActions onCancel={onClose}>
        <button type="submit" className="button primary" disabled={!text.trim() || importWorkflow.isPending || importWorkflow.isSuccess}>
          {importWorkflow.isPending ? "Importing…" : "Import"}
        </button>
      </DialogActions>
    </form>
  );
}
