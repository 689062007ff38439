"use client";

import { useId, useMemo } from "react";
import { Icon } from "./icons";
import { checkConnection, outputsOf } from "./lib/connections";
import { addEdge, removeElements, setNodeConfig, setNodeField } from "./lib/definition-ops";
import { completionItems } from "./lib/expression-completion";
import { nodeLabel } from "./lib/flow-mapping";
import { validate, samePath, type FieldIssue, type FieldPath, type Schema } from "./lib/json-schema";
import { DEFAULT_INPUT, ERROR_HANDLE, type Descriptors, type Json, type Problem, type ScheduleInfo, type WorkflowDefinition, type WorkflowNode } from "./lib/types";
import { SchemaForm } from "./schema-form";
import { ScheduleTriggerInfo, WebhookTriggerInfo } from "./trigger-info";

const EMPTY_SCHEMA: Schema = { type: "object", properties: {} };

/** Applies an edit to the current draft; `key` merges quick successive edits into one undo step. */
export type EditFn = (change: (definition: WorkflowDefinition) => WorkflowDefinition, key?: string) => void;

interface InspectorProps {
  definition: WorkflowDefinition;
  descriptors: Descriptors;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  nodeProblems: ReadonlyMap<string, readonly Problem[]>;
  edgeProblems: ReadonlyMap<string, readonly Problem[]>;
  schedules: ReadonlyMap<string, ScheduleInfo>;
  secrets: readonly string[] | null;
  readOnly: boolean;
  edit: EditFn;
  onDeleteSelection: () => void;
  /** In a version preview: per node, what differs from the draft. */
  changes?: ReadonlyMap<string, string[]>;
  draft?: WorkflowDefinition;
  /** The workflow being edited: its webhooks and schedules are shown on its trigger nodes. */
  workflowId?: string;
}

/** The side panel: the selected node's form, the selected edge, or an overview. */
export function Inspector(props: InspectorProps) {
  const { definition, selectedNodes, selectedEdges } = props;
  const node = selectedNodes.size === 1 ? definition.nodes.find((n) => selectedNodes.has(n.id)) : undefined;
  if (node) return <NodeInspector key={node.id} {...props} node={node} />;
  const edge = selectedNodes.size === 0 && selectedEdges.size === 1 ? definition.edges.find((e) => selectedEdges.has(e.id)) : undefined;
  if (edge) {
    const byId = new Map(definition.nodes.map((n) => [n.id, n]));
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    const handle = source ? outputsOf(source, props.descriptors.get(source.type), edge.sourceHandle === ERROR_HANDLE).find((h) => h.id === (edge.sourceHandle ?? "out")) : undefined;
    const problems = props.edgeProblems.get(edge.id) ?? [];
    return (
      <div className="inspector-body">
        <h2 className="inspector-title">Connection</h2>
        <dl className="details">
          <dt>From</dt>
          <dd>
            {source ? nodeLabel(source, props.descriptors.get(source.type)) : edge.source}
            {handle && handle.id !== "out" ? <span className="badge">{handle.label}</span> : null}
          </dd>
          <dt>To</dt>
          <dd>{target ? nodeLabel(target, props.descriptors.get(target.type)) : edge.target}</dd>
        </dl>
        <ProblemList problems={problems} />
        {props.readOnly ? null : (
          <button type="button" className="button danger small" onClick={props.onDeleteSelection}>
            <Icon name="trash" size={14} /> Delete connection
          </button>
        )}
      </div>
    );
  }
  if (selectedNodes.size > 1 || selectedEdges.size > 1) {
    return (
      <div className="inspector-body">
        <h2 className="inspector-title">
          {selectedNodes.size} node{selectedNodes.size === 1 ? "" : "s"}, {selectedEdges.size} connection{selectedEdges.size === 1 ? "" : "s"} selected
        </h2>
        <p className="muted">Drag to move them together, Ctrl/⌘+C to copy, Delete to remove.</p>
        {props.readOnly ? null : (
          <button type="button" className="button danger small" onClick={props.onDeleteSelection}>
            <Icon name="trash" size={14} /> Delete selection
          </button>
        )}
      </div>
    );
  }
  return <Overview definition={definition} readOnly={props.readOnly} />;
}

function Overview({ definition, readOnly }: { definition: WorkflowDefinition; readOnly: boolean }) {
  return (
    <div className="inspector-body">
      <h2 className="inspector-title">Workflow</h2>
      <p className="muted">
        {definition.nodes.length} node{definition.nodes.length === 1 ? "" : "s"}, {definition.edges.length} connection{definition.edges.length === 1 ? "" : "s"}.{" "}
        {readOnly ? "Select a node to see its settings." : "Select a node to configure it."}
      </p>
      <h3 className="inspector-subtitle">Keyboard</h3>
      <dl className="shortcuts">
        <dt>
          <kbd>Ctrl</kbd>/<kbd>⌘</kbd> <kbd>Z</kbd>
        </dt>
        <dd>Undo</dd>
        <dt>
          <kbd>Shift</kbd> <kbd>Ctrl</kbd>/<kbd>⌘</kbd> <kbd>Z</kbd>
        </dt>
        <dd>Redo</dd>
        <dt>
          <kbd>Ctrl</kbd>/<kbd>⌘</kbd> <kbd>C</kbd> / <kbd>V</kbd>
        </dt>
        <dd>Copy / paste nodes</dd>
        <dt>
          <kbd>Delete</kbd>
        </dt>
        <dd>Remove the selection</dd>
        <dt>
          <kbd>Shift</kbd> + drag
        </dt>
        <dd>Select an area</dd>
        <dt>
          <kbd>Tab</kbd>, <kbd>Enter</kbd>, arrows
        </dt>
        <dd>Focus, select and move nodes</dd>
        <dt>
          <kbd>Ctrl</kbd> <kbd>Space</kbd>
        </dt>
        <dd>Suggestions in an expression field</dd>
      </dl>
    </div>
  );
}

function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="inspector-problems" aria-label="Problems">
      {problems.map((problem, index) => (
        <li key={index} className={problem.severity}>
          <Icon name={problem.severity === "error" ? "alert" : "warning"} size={14} />
          <span>{problem.message}</span>
        </li>
      ))}
    </ul>
  );
}

/** A compiler problem's path inside the node's config, or null when it concerns the node as a whole. */
export function configPath(problem: Problem): FieldPath | null {
  const path = problem.path ?? [];
  if (problem.code === "invalid_config" || problem.code === "invalid_expression") return path.length > 0 ? path : null;
  if (problem.code === "invalid_definition" && path[0] === "nodes" && path[2] === "config") return path.slice(3);
  return null;
}

function NodeInspector({
  node,
  definition,
  descriptors,
  nodeProblems,
  schedules,
  secrets,
  readOnly,
  edit,
  onDeleteSelection,
  changes,
  draft,
  workflowId,
}: InspectorProps & { node: WorkflowNode }) {
  const descriptor = descriptors.get(node.type);
  const problems = useMemo(() => nodeProblems.get(node.id) ?? [], [nodeProblems, node.id]);
  const schema = useMemo(() => (descriptor?.configSchema ?? EMPTY_SCHEMA) as Schema, [descriptor]);
  const isTrigger = descriptor?.category === "trigger";
  const nameId = useId();

  // Client checks first; the compiler's messages fill in what they do not catch.
  const issues = useMemo<FieldIssue[]>(() => {
    const local = validate(schema, schema, node.config);
    const fromCompiler: FieldIssue[] = [];
    for (const problem of problems) {
      const path = configPath(problem);
      if (path && !local.some((issue) => samePath(issue.path, path))) fromCompiler.push({ path, message: problem.message });
    }
    return [...local, ...fromCompiler];
  }, [schema, node.config, problems]);
  const general = problems.filter((p) => configPath(p) === null);

  const completions = useMemo(() => completionItems(definition, node.id, descriptors, secrets ?? []), [definition, node.id, descriptors, secrets]);

  const onConfig = (path: FieldPath, value: Json | undefined) => edit((d) => setNodeConfig(d, node.id, path, value), `config:${node.id}:${path.join(".")}`);

  return (
    <div className="inspector-body">
      <div className="inspector-node-head">
        <span className={`wf-node-icon cat-${descriptor?.category ?? "unknown"}`} aria-hidden>
          <Icon name={descriptor?.icon ?? "circle-dashed"} size={16} />
        </span>
        <div>
          <h2 className="inspector-title">{nodeLabel(node, descriptor)}</h2>
          <p className="muted small">{descriptor ? `${descriptor.title} · ${descriptor.description}` : `Unknown node type “${node.type}”`}</p>
        </div>
      </div>

      <div className="form-field">
        <label className="form-label" htmlFor={nameId}>
          Node name
        </label>
        <input
          id={nameId}
          className="input"
          value={node.name ?? ""}
          maxLength={200}
          placeholder={descriptor?.title ?? node.id}
          readOnly={readOnly}
          onChange={(event) => edit((d) => setNodeField(d, node.id, "name", event.target.value === "" ? undefined : event.target.value), `name:${node.id}`)}
        />
        <span className="hint node-id">
          ID <code>{node.id}</code> — expressions read its output as <code>nodes.{node.id}.output</code>
        </span>
      </div>

      {changes?.get(node.id) && draft ? <VersionChanges fields={changes.get(node.id) ?? []} version={node} draft={draft.nodes.find((n) => n.id === node.id)} /> : null}

      <ProblemList problems={general} />

      {node.type === "trigger.webhook" && workflowId && !changes ? <WebhookTriggerInfo workflowId={workflowId} /> : null}
      {node.type === "trigger.schedule" && workflowId && !changes ? <ScheduleTriggerInfo info={schedules.get(node.id)} workflowId={workflowId} /> : null}

      <section className="inspector-section" aria-label="Configuration">
        <h3 className="inspector-subtitle">Configuration</h3>
        <SchemaForm schema={schema} value={node.config} onChange={onConfig} issues={issues} completions={completions} secrets={secrets} readOnly={readOnly} />
      </section>

      <Connections node={node} definition={definition} descriptors={descriptors} edit={edit} readOnly={readOnly} />

      {isTrigger ? null : <ExecutionSettings node={node} definition={definition} edit={edit} readOnly={readOnly} />}

      {readOnly ? null : (
        <div className="inspector-footer">
          <button type="button" className="button danger small" onClick={onDeleteSelection}>
            <Icon name="trash" size={14} /> Delete node
          </button>
        </div>
      )}
    </div>
  );
}

function short(value: unknown): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function VersionChanges({ fields, version, draft }: { fields: string[]; version: WorkflowNode; draft: WorkflowNode | undefined }) {
  const read = (node: WorkflowNode | undefined, field: string): unknown => {
    if (!node) return undefined;
    if (field.startsWith("config.")) return node.config[field.slice(7)];
    return (node as unknown as Record<string, unknown>)[field];
  };
  return (
    <section className="version-changes" aria-label="Changes from the draft">
      <h3 className="inspector-subtitle">Differs from your draft</h3>
      <table className="table compact-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">This version</th>
            <th scope="col">Draft</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr key={field}>
              <td className="mono">{field}</td>
              <td className="mono">{short(read(version, field))}</td>
              <td className="mono">{short(read(draft, field))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Connections({ node, definition, descriptors, edit, readOnly }: { node: WorkflowNode; definition: WorkflowDefinition; descriptors: Descriptors; edit: EditFn; readOnly: boolean }) {
  const descriptor = descriptors.get(node.type);
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const outgoing = definition.edges.filter((e) => e.source === node.id);
  const incoming = definition.edges.filter((e) => e.target === node.id);
  const outputs = outputsOf(node, descriptor, outgoing.some((e) => e.sourceHandle === ERROR_HANDLE));
  const named = outputs.filter((h) => h.id !== ERROR_HANDLE);
  const name = (id: string) => {
    const other = byId.get(id);
    return other ? nodeLabel(other, descriptors.get(other.type)) : id;
  };
  const remove = (edgeId: string) => edit((d) => removeElements(d, [], [edgeId]));
  return (
    <section className="inspector-section" aria-label="Connections">
      <h3 className="inspector-subtitle">Connections</h3>
      {descriptor?.category === "trigger" ? null : (
        <div className="connection-group">
          <span className="connection-handle">Input</span>
          {incoming.length === 0 ? <p className="muted small">Nothing runs before this node yet.</p> : null}
          <ul className="connection-list">
            {incoming.map((edge) => (
              <li key={edge.id}>
                <span>from {name(edge.source)}</span>
                {edge.sourceHandle && edge.sourceHandle !== "out" ? <span className="badge">{edge.sourceHandle}</span> : null}
                {readOnly ? null : (
                  <button type="button" className="button small icon-button" aria-label={`Remove connection from ${name(edge.source)}`} onClick={() => remove(edge.id)}>
                    <Icon name="x" size={13} />
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {outputs.map((handle) => {
        const edges = outgoing.filter((e) => (e.sourceHandle ?? (named.length === 1 ? named[0]?.id : null)) === handle.id);
        const candidates = readOnly
          ? []
          : definition.nodes.filter((other) => checkConnection(definition, descriptors, { source: node.id, sourceHandle: handle.id, target: other.id, targetHandle: DEFAULT_INPUT }).ok);
        const label = outputs.length === 1 ? "Output" : `Output “${handle.label}”`;
        return (
          <div className="connection-group" key={handle.id}>
            <span className="connection-handle">{label}</span>
            <ul className="connection-list">
              {edges.map((edge) => (
                <li key={edge.id}>
                  <span>to {name(edge.target)}</span>
                  {readOnly ? null : (
                    <button type="button" className="button small icon-button" aria-label={`Remove connection ${handle.label} to ${name(edge.target)}`} onClick={() => remove(edge.id)}>
                      <Icon name="x" size={13} />
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {readOnly || candidates.length === 0 ? null : (
              <select
                className="input compact"
                aria-label={`Connect ${outputs.length === 1 ? "output" : handle.label} to`}
                value=""
                onChange={(event) => {
                  const target = event.target.value;
                  if (!target) return;
                  edit((d) => {
                    const verdict = checkConnection(d, descriptors, { source: node.id, sourceHandle: handle.id, target, targetHandle: DEFAULT_INPUT });
                    return verdict.ok ? addEdge(d, verdict.connection).definition : d;
                  });
                }}
              >
                <option value="">Connect to…</option>
                {candidates.map((other) => (
                  <option key={other.id} value={other.id}>
                    {nodeLabel(other, descriptors.get(other.type))}
                  </option>
                ))}
              </select>
            )}
          </div>
        );
      })}
    </section>
  );
}

function ExecutionSettings({ node, definition, edit, readOnly }: { node: WorkflowNode; definition: WorkflowDefinition; edit: EditFn; readOnly: boolean }) {
  const attemptsId = useId();
  const timeoutId = useId();
  const continueId = useId();
  const defaults = definition.settings;
  const attempts = node.retry?.maxAttempts;
  const attemptsInvalid = attempts !== undefined && (attempts < 1 || attempts > 25 || !Number.isInteger(attempts));
  const timeoutS = node.timeoutMs === undefined ? undefined : node.timeoutMs / 1000;
  const timeoutInvalid = node.timeoutMs !== undefined && (node.timeoutMs < 1 || node.timeoutMs > 86_400_000 || !Number.isInteger(node.timeoutMs));
  return (
    <section className="inspector-section" aria-label="Execution">
      <h3 className="inspector-subtitle">Execution</h3>
      <div className="form-row">
        <div className="form-field">
          <label className="form-label" htmlFor={attemptsId}>
            Attempts
          </label>
          <input
            id={attemptsId}
            className="input"
            type="number"
            min={1}
            max={25}
            step={1}
            value={attempts ?? ""}
            placeholder={`${defaults.retry.maxAttempts} (default)`}
            readOnly={readOnly}
            aria-invalid={attemptsInvalid || undefined}
            aria-describedby={`${attemptsId}-hint`}
            onChange={(event) => {
              const text = event.target.value;
              edit((d) => {
                const current = d.nodes.find((n) => n.id === node.id)?.retry ?? {};
                const { maxAttempts: _old, ...rest } = current;
                const retry = text === "" ? rest : { ...rest, maxAttempts: Number(text) };
                return setNodeField(d, node.id, "retry", Object.keys(retry).length > 0 ? retry : undefined);
              }, `retry:${node.id}`);
            }}
          />
          <span className={attemptsInvalid ? "field-error" : "hint"} id={`${attemptsId}-hint`}>
            {attemptsInvalid ? "Use a whole number from 1 to 25" : "Including the first; retries back off exponentially"}
          </span>
        </div>
        <div className="form-field">
          <label className="form-label" htmlFor={timeoutId}>
            Timeout (s)
          </label>
          <input
            id={timeoutId}
            className="input"
            type="number"
            min={0.001}
            step="any"
            value={timeoutS ?? ""}
            placeholder={`${defaults.nodeTimeoutMs / 1000} (default)`}
            readOnly={readOnly}
            aria-invalid={timeoutInvalid || undefined}
            aria-describedby={`${timeoutId}-hint`}
            onChange={(event) => {
              const text = event.target.value;
              edit((d) => setNodeField(d, node.id, "timeoutMs", text === "" ? undefined : Math.round(Number(text) * 1000)), `timeout:${node.id}`);
            }}
          />
          <span className={timeoutInvalid ? "field-error" : "hint"} id={`${timeoutId}-hint`}>
            {timeoutInvalid ? "Use at most 86400 seconds" : "Per attempt"}
          </span>
        </div>
      </div>
      <label className="check-row" htmlFor={continueId}>
        <input
          id={continueId}
          type="checkbox"
          checked={node.continueOnFail ?? false}
          disabled={readOnly}
          onChange={(event) => edit((d) => setNodeField(d, node.id, "continueOnFail", event.target.checked ? true : undefined))}
        />
        Continue on failure
      </label>
      <span className="hint">When every attempt fails, take the “On error” output instead of failing the run.</span>
    </section>
  );
}
