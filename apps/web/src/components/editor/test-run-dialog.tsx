"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState, type FormEvent } from "react";
import { formError } from "~/trpc/errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { DialogActions, Modal } from "../ui/modal";
import { Loading, QueryError } from "../ui/status";
import { Icon } from "./icons";
import { setAt } from "./lib/definition-ops";
import type { FieldIssue } from "./lib/json-schema";
import { hasFormFields, initialInput, inputIssues, parseRawInput, triggerInput } from "./lib/test-run";
import type { Descriptors, Json, JsonObject } from "./lib/types";
import { SchemaForm } from "./schema-form";

interface TestRunDialogProps {
  open: boolean;
  onClose: () => void;
  workspaceId: string;
  workflowId: string;
  descriptors: Descriptors;
  /** The latest published version (what a test run runs); null when nothing is published. */
  latestVersion: number | null;
  /** The draft differs from that version. */
  unpublished: boolean;
  /** Why the draft cannot be published now (problems, a conflict…); null when it can. */
  publishBlocked: string | null;
  /** Closes this dialog and opens the publish dialog; the test run dialog comes back once published. */
  onPublishFirst: () => void;
  onStarted: (run: { id: string }, versionNumber: number) => void;
}

/** "Test run": an input form built from the published trigger's input schema, then a run of that version. */
export function TestRunDialog(props: TestRunDialogProps) {
  const { open, onClose, latestVersion } = props;
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Test run"
      description={latestVersion === null ? undefined : `Runs published version ${latestVersion} with the input below; the canvas shows each node’s state as it runs.`}
      wide
    >
      {open ? latestVersion === null ? <NeverPublished {...props} /> : <TestRunForm key={latestVersion} {...props} latestVersion={latestVersion} /> : null}
    </Modal>
  );
}

function NeverPublished({ onClose, publishBlocked, onPublishFirst }: TestRunDialogProps) {
  return (
    <div className="stack">
      <div className="alert warning" role="alert">
        <strong>Nothing to run yet.</strong> A test run runs the latest published version, and this workflow has never been published. Publish the draft first.
        {publishBlocked ? <p className="small">{publishBlocked}.</p> : null}
      </div>
      <DialogActions onCancel={onClose}>
        <button type="button" className="button primary" disabled={publishBlocked !== null} onClick={onPublishFirst}>
          <Icon name="upload" size={15} />
          Publish first…
        </button>
      </DialogActions>
    </div>
  );
}

function TestRunForm({ onClose, workspaceId, workflowId, descriptors, latestVersion, unpublished, publishBlocked, onPublishFirst, onStarted }: TestRunDialogProps & { latestVersion: number }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const rawId = useId();
  // The input schema of the version that runs, not of the draft.
  const version = useQuery(trpc.workflowVersion.get.queryOptions(latestVersion ? { workspaceId, workflowId, number: latestVersion } : skipToken, { staleTime: 60_000 }));
  const trigger = useMemo(() => (version.data ? triggerInput(version.data.definition, descriptors) : null), [version.data, descriptors]);
  const schema = trigger?.schema ?? null;
  const formable = hasFormFields(schema);

  const [mode, setMode] = useState<"form" | "json">("form");
  const [value, setValue] = useState<JsonObject | null>(null);
  const [raw, setRaw] = useState("");
  const [syntax, setSyntax] = useState<string | null>(null);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [failure, setFailure] = useState<string[]>([]);
  const [pending, setPending] = useState(false);
  // One key per dialog: a double submit starts one run.
  const [idempotencyKey] = useState(newKey);
  const formValue = value ?? initialInput(schema);
  const showForm = formable && mode === "form";

  function switchMode(next: "form" | "json") {
    if (next === mode) return;
    if (next === "json") {
      setRaw(JSON.stringify(formValue, null, 2));
      setSyntax(null);
      setMode("json");
      return;
    }
    const parsed = parseRawInput(raw);
    if (!parsed.ok) return setSyntax(parsed.message);
    if (parsed.value !== null && (typeof parsed.value !== "object" || Array.isArray(parsed.value))) {
      return setSyntax("The form edits an object: fix the JSON or keep editing it as JSON");
    }
    setValue((parsed.value ?? {}) as JsonObject);
    setMode("form");
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    let input: Json;
    if (showForm) input = formValue;
    else {
      const parsed = parseRawInput(raw);
      if (!parsed.ok) return setSyntax(parsed.message);
      input = parsed.value;
    }
    setPending(true);
    setIssues([]);
    setFailure([]);
    try {
      const started = await client.run.start.mutate({ workspaceId, workflowId, input, idempotencyKey });
      onStarted(started.run, latestVersion);
    } catch (error) {
      const { message, fieldErrors } = formError(error);
      const mapped = inputIssues(fieldErrors);
      setIssues(mapped.fields);
      // Field problems the form cannot show next to a field (the raw JSON view, or a field it has no control for) are listed.
      const listed = showForm ? mapped.fields.filter((issue) => !formPaths(schema).has(String(issue.path[0]))) : mapped.fields;
      setFailure([message, ...mapped.general.filter((m) => m !== message), ...listed.map((issue) => `${issue.path.join(".")}: ${issue.message}`)]);
      setPending(false);
    }
  }

  return (
    <form className="stack test-run-form" onSubmit={(event) => void submit(event)} aria-label="Test run input" noValidate>
      {unpublished ? (
        <div className="alert warning test-run-unpublished" role="note">
          <span>
            <strong>Your draft has unpublished changes.</strong> A test run runs published version {latestVersion}, not the draft: publish first to test your changes.
          </span>
          <button type="button" className="button small" disabled={publishBlocked !== null} title={publishBlocked ?? undefined} onClick={onPublishFirst}>
            Publish first…
          </button>
        </div>
      ) : null}
      {version.isPending ? (
        <Loading>Reading the trigger’s input schema…</Loading>
      ) : version.isError ? (
        <QueryError error={version.error} what={`version ${latestVersion}`} onRetry={() => void version.refetch()} />
      ) : (
        <>
          <div className="test-run-input-head">
            <h3>Input</h3>
            {formable ? (
              <fieldset className="segmented" aria-label="Edit the input as">
                <label className={mode === "form" ? "active" : undefined}>
                  <input type="radio" name={`${rawId}-mode`} checked={mode === "form"} onChange={() => switchMode("form")} />
                  Form
                </label>
                <label className={mode === "json" ? "active" : undefined}>
                  <input type="radio" name={`${rawId}-mode`} checked={mode === "json"} onChange={() => switchMode("json")} />
                  JSON
                </label>
              </fieldset>
            ) : null}
          </div>
          {showForm ? (
            <SchemaForm schema={schema} value={formValue} onChange={(path, next) => setValue((setAt(formValue, path, next) ?? {}) as JsonObject)} issues={issues} completions={[]} secrets={null} readOnly={false} />
          ) : (
            <label className="field" htmlFor={rawId}>
              Input (JSON)
              <textarea
                id={rawId}
                className="input mono json-input"
                rows={8}
                value={raw}
                spellCheck={false}
                placeholder={schema ? '{ "field": "value" }' : "Any JSON, e.g. { \"orderId\": 42 } (empty: no input)"}
                aria-invalid={syntax !== null || undefined}
                aria-describedby={`${rawId}-hint`}
                onChange={(event) => {
                  setRaw(event.target.value);
                  setSyntax(null);
                }}
              />
              <span className={syntax ? "field-error" : "hint"} id={`${rawId}-hint`}>
                {syntax ?? (schema ? "Checked against the trigger’s input schema when the run starts." : "The trigger declares no input schema: any JSON is accepted.")}
              </span>
            </label>
          )}
        </>
      )}
      {failure.length > 0 ? (
        <div className="alert error" role="alert">
          <p>{failure[0]}</p>
          {failure.length > 1 ? (
            <ul className="publish-problems">
              {failure.slice(1).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <DialogActions onCancel={onClose}>
        <button type="submit" className="button primary" disabled={pending || !version.data}>
          <Icon name="play" size={15} />
          {pending ? "Starting…" : `Run version ${latestVersion}`}
        </button>
      </DialogActions>
    </form>
  );
}

/** randomUUID needs a secure context; a self-hosted app served over plain HTTP has none. */
function newKey(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

function formPaths(schema: Record<string, unknown> | null): Set<string> {
  const properties = schema?.properties;
  return new Set(properties && typeof properties === "object" ? Object.keys(properties) : []);
}
