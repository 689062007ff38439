"use client";

import { createContext, useContext, useId, useState, type ReactNode } from "react";
import { Icon } from "./icons";
import { ExpressionInput } from "./expression-input";
import type { CompletionItem } from "./lib/expression-completion";
import {
  discriminatedUnion,
  fieldKind,
  labelFor,
  properties,
  resolve,
  samePath,
  type FieldIssue,
  type FieldPath,
  type Schema,
} from "./lib/json-schema";
import type { Json, JsonObject } from "./lib/types";

/**
 * A form generated from a node type's config JSON Schema: text (with
 * expression autocompletion), numbers, switches, choices, nested objects,
 * key/value maps, lists of text or of objects, and a JSON editor for
 * anything else. Problems show under the field they concern, from the
 * form's own checks and from the compiler.
 */
interface FormContextValue {
  root: Schema;
  onChange: (path: FieldPath, value: Json | undefined) => void;
  issues: readonly FieldIssue[];
  completions: readonly CompletionItem[];
  secrets: readonly string[] | null;
  readOnly: boolean;
  idPrefix: string;
}

const FormContext = createContext<FormContextValue | null>(null);

function useForm(): FormContextValue {
  const form = useContext(FormContext);
  if (!form) throw new Error("schema fields render inside SchemaForm");
  return form;
}

const fieldId = (prefix: string, path: FieldPath) => `${prefix}-${path.join("-").replace(/[^A-Za-z0-9_-]/g, "_")}`;

/**
 * Whether a string field holds raw JSONata rather than a `{{ }}` template.
 * Descriptors do not list their expression fields, so the schema's own
 * description says it ("JSONata …"), as every built-in one does.
 */
/** Whether a field's description invites templates or secrets: those get the secret picker. */
function invitesTemplates(schema: Schema): boolean {
  return typeof schema.description === "string" && /\{\{|template|secret/i.test(schema.description);
}

export function isExpressionSchema(schema: Schema): boolean {
  return typeof schema.description === "string" && /^JSONata\b/.test(schema.description);
}

function isRecord(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Messages for exactly this field (child fields show their own). */
function useFieldIssues(path: FieldPath): string[] {
  const { issues } = useForm();
  return issues.filter((issue) => samePath(issue.path, path)).map((issue) => issue.message);
}

interface SchemaFormProps {
  schema: Schema;
  value: JsonObject;
  onChange: (path: FieldPath, value: Json | undefined) => void;
  issues: readonly FieldIssue[];
  completions: readonly CompletionItem[];
  secrets: readonly string[] | null;
  readOnly: boolean;
}

export function SchemaForm({ schema, value, onChange, issues, completions, secrets, readOnly }: SchemaFormProps) {
  const idPrefix = useId().replace(/:/g, "");
  const fields = properties(schema, schema);
  const context: FormContextValue = { root: schema, onChange, issues, completions, secrets, readOnly, idPrefix };
  return (
    <FormContext value={context}>
      <div className="schema-form">
        {fields.length === 0 ? <p className="muted small">This node has nothing to configure.</p> : null}
        {fields.map((field) => (
          <SchemaField key={field.key} schema={field.schema} path={[field.key]} value={value[field.key]} required={field.required} label={labelFor(field.key, field.schema)} />
        ))}
      </div>
    </FormContext>
  );
}

interface FieldProps {
  schema: Schema;
  path: FieldPath;
  value: Json | undefined;
  required: boolean;
  label: string;
}

function FieldShell({ id, label, required, description, messages, children, inline = false }: { id: string; label: string; required: boolean; description?: string; messages: string[]; children: ReactNode; inline?: boolean }) {
  return (
    <div className={`form-field${inline ? " inline" : ""}`}>
      {inline ? null : (
        <label htmlFor={id} className="form-label">
          {label}
          {required ? <span className="required-mark" aria-hidden> *</span> : null}
        </label>
      )}
      {children}
      {description && messages.length === 0 ? (
        <span className="hint" id={`${id}-hint`}>
          {description}
        </span>
      ) : null}
      {messages.length > 0 ? (
        <span className="field-error" id={`${id}-error`}>
          {messages.join(" · ")}
        </span>
      ) : null}
    </div>
  );
}

function describedBy(id: string, messages: string[], description?: string): string | undefined {
  if (messages.length > 0) return `${id}-error`;
  return description ? `${id}-hint` : undefined;
}

function defaultText(schema: Schema): string | undefined {
  return schema.default === undefined ? undefined : `Default: ${typeof schema.default === "string" ? schema.default : JSON.stringify(schema.default)}`;
}

export function SchemaField({ schema: raw, path, value, required, label }: FieldProps) {
  const form = useForm();
  const schema = resolve(raw, form.root);
  const kind = fieldKind(schema, form.root);
  const id = fieldId(form.idPrefix, path);
  const messages = useFieldIssues(path);
  const description = typeof schema.description === "string" ? schema.description : undefined;
  const set = (next: Json | undefined) => form.onChange(path, next);
  const describe = describedBy(id, messages, description);

  switch (kind) {
    case "enum": {
      const options = (schema.enum as string[]) ?? [];
      return (
        <FieldShell id={id} label={label} required={required} description={description} messages={messages}>
          <select
            id={id}
            className="input"
            value={typeof value === "string" ? value : ""}
            disabled={form.readOnly}
            aria-invalid={messages.length > 0 || undefined}
            aria-describedby={describe}
            onChange={(event) => set(event.target.value === "" ? undefined : event.target.value)}
          >
            {!required || schema.default !== undefined || typeof value !== "string" ? (
              <option value="">{schema.default !== undefined ? `Default (${String(schema.default)})` : required ? "Choose…" : "Not set"}</option>
            ) : null}
            {options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </FieldShell>
      );
    }
    case "string":
    case "scalar": {
      const expression = isExpressionSchema(schema);
      const text = typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
      const long = expression || (typeof schema.maxLength === "number" && schema.maxLength > 500);
      return (
        <FieldShell id={id} label={label} required={required} description={description} messages={messages}>
          <ExpressionInput
            id={id}
            value={text}
            mode={expression ? "expression" : "template"}
            multiline={long}
            completions={form.completions}
            secrets={!expression && invitesTemplates(schema) ? form.secrets : null}
            invalid={messages.length > 0}
            describedBy={describe}
            placeholder={expression ? "JSONata, e.g. trigger.amount > 100" : defaultText(schema)}
            readOnly={form.readOnly}
            required={required}
            onChange={(next) => set(next === "" ? undefined : next)}
          />
        </FieldShell>
      );
    }
    case "number":
    case "integer":
      return (
        <FieldShell id={id} label={label} required={required} description={description} messages={messages}>
          <input
            id={id}
            className="input"
            type="number"
            inputMode={kind === "integer" ? "numeric" : "decimal"}
            step={kind === "integer" ? 1 : "any"}
            min={typeof schema.minimum === "number" ? schema.minimum : undefined}
            max={typeof schema.maximum === "number" ? schema.maximum : undefined}
            value={typeof value === "number" ? value : ""}
            placeholder={defaultText(schema)}
            readOnly={form.readOnly}
            aria-invalid={messages.length > 0 || undefined}
            aria-describedby={describe}
            onChange={(event) => {
              const text = event.target.value;
              if (text === "") set(undefined);
              else if (Number.isFinite(Number(text))) set(Number(text));
            }}
          />
        </FieldShell>
      );
    case "boolean": {
      const checked = typeof value === "boolean" ? value : schema.default === true;
      return (
        <FieldShell id={id} label={label} required={false} description={description} messages={messages} inline>
          <label className="check-row" htmlFor={id}>
            <input
              id={id}
              type="checkbox"
              checked={checked}
              disabled={form.readOnly}
              aria-describedby={describe}
              onChange={(event) => set(event.target.checked)}
            />
            {label}
          </label>
        </FieldShell>
      );
    }
    case "object":
      return (
        <fieldset className="form-group">
          <legend>{label}</legend>
          {description ? <p className="hint">{description}</p> : null}
          {properties(schema, form.root).map((field) => (
            <SchemaField
              key={field.key}
              schema={field.schema}
              path={[...path, field.key]}
              value={isRecord(value) ? value[field.key] : undefined}
              required={field.required}
              label={labelFor(field.key, field.schema)}
            />
          ))}
          {messages.length > 0 ? <span className="field-error">{messages.join(" · ")}</span> : null}
        </fieldset>
      );
    case "record":
      return <RecordField schema={schema} path={path} value={value} label={label} description={description} messages={messages} />;
    case "stringArray":
      return <StringListField schema={schema} path={path} value={value} label={label} description={description} messages={messages} />;
    case "objectArray":
      return <ObjectListField schema={schema} path={path} value={value} label={label} description={description} messages={messages} />;
    case "union":
      return <UnionField schema={schema} path={path} value={value} label={label} required={required} description={description} messages={messages} />;
    default:
      return <JsonField key={JSON.stringify(value ?? null)} id={id} path={path} value={value} label={label} required={required} description={description} messages={messages} />;
  }
}

interface CompoundProps {
  schema: Schema;
  path: FieldPath;
  value: Json | undefined;
  label: string;
  description?: string;
  messages: string[];
}

/** Key/value pairs (headers, query parameters); values may be templates. */
function RecordField({ path, value, label, description, messages }: CompoundProps) {
  const form = useForm();
  const entries = isRecord(value) ? Object.entries(value) : [];
  const set = (next: [string, Json][]) => form.onChange(path, next.length > 0 ? Object.fromEntries(next) : undefined);
  const idBase = fieldId(form.idPrefix, path);
  const noun = label.replace(/s$/, "").toLowerCase();
  return (
    <fieldset className="form-group">
      <legend>{label}</legend>
      {description ? <p className="hint">{description}</p> : null}
      {entries.length === 0 ? <p className="muted small">None.</p> : null}
      {entries.map(([key, item], index) => (
        <div className="kv-row" key={index}>
          <input
            className="input mono"
            aria-label={`${label} ${index + 1} name`}
            value={key}
            readOnly={form.readOnly}
            onChange={(event) => {
              const name = event.target.value;
              if (entries.some(([other], i) => i !== index && other === name)) return;
              set(entries.map(([k, v], i) => (i === index ? [name, v] : [k, v])));
            }}
          />
          <ExpressionInput
            id={`${idBase}-${index}`}
            value={typeof item === "string" ? item : JSON.stringify(item)}
            mode="template"
            label={`${label} ${key || index + 1} value`}
            completions={form.completions}
            secrets={form.secrets}
            readOnly={form.readOnly}
            onChange={(text) => set(entries.map(([k, v], i) => (i === index ? [k, text] : [k, v])))}
          />
          {form.readOnly ? null : (
            <button type="button" className="button small icon-button" aria-label={`Remove ${noun} ${key || index + 1}`} onClick={() => set(entries.filter((_, i) => i !== index))}>
              <Icon name="x" size={14} />
            </button>
          )}
          <FieldMessages path={[...path, key]} />
        </div>
      ))}
      {form.readOnly ? null : (
        <button
          type="button"
          className="button small"
          onClick={() => {
            const taken = new Set(entries.map(([k]) => k));
            let name = "name";
            for (let i = 2; taken.has(name); i++) name = `name_${i}`;
            set([...entries, [name, ""]]);
          }}
        >
          <Icon name="plus" size={14} /> Add {noun}
        </button>
      )}
      {messages.length > 0 ? <span className="field-error">{messages.join(" · ")}</span> : null}
    </fieldset>
  );
}

function FieldMessages({ path }: { path: FieldPath }) {
  const messages = useFieldIssues(path);
  return messages.length > 0 ? <span className="field-error kv-error">{messages.join(" · ")}</span> : null;
}

function StringListField({ path, value, label, description, messages }: CompoundProps) {
  const form = useForm();
  const items = Array.isArray(value) ? value : [];
  const set = (next: Json[]) => form.onChange(path, next);
  const idBase = fieldId(form.idPrefix, path);
  return (
    <fieldset className="form-group">
      <legend>{label}</legend>
      {description ? <p className="hint">{description}</p> : null}
      {items.length === 0 ? <p className="muted small">None.</p> : null}
      {items.map((item, index) => (
        <div className="list-row" key={index}>
          <ExpressionInput
            id={`${idBase}-${index}`}
            value={typeof item === "string" ? item : JSON.stringify(item)}
            mode="template"
            label={`${label} ${index + 1}`}
            completions={form.completions}
            secrets={form.secrets}
            readOnly={form.readOnly}
            invalid={form.issues.some((issue) => samePath(issue.path, [...path, index]))}
            onChange={(text) => set(items.map((v, i) => (i === index ? text : v)))}
          />
          {form.readOnly ? null : (
            <button type="button" className="button small icon-button" aria-label={`Remove ${label} ${index + 1}`} onClick={() => set(items.filter((_, i) => i !== index))}>
              <Icon name="x" size={14} />
            </button>
          )}
          <FieldMessages path={[...path, index]} />
        </div>
      ))}
      {form.readOnly ? null : (
        <button type="button" className="button small" onClick={() => set([...items, ""])}>
          <Icon name="plus" size={14} /> Add
        </button>
      )}
      {messages.length > 0 ? <span className="field-error">{messages.join(" · ")}</span> : null}
    </fieldset>
  );
}

/** A list of objects (a switch's cases): each a small form, with add, remove and reorder. */
function ObjectListField({ schema, path, value, label, description, messages }: CompoundProps) {
  const form = useForm();
  const items = Array.isArray(value) ? value : [];
  const itemSchema = resolve(schema.items, form.root);
  const fields = properties(itemSchema, form.root);
  const set = (next: Json[]) => form.onChange(path, next);
  const noun = label.replace(/s$/, "").toLowerCase();
  function add() {
    const item: JsonObject = {};
    const idField = fields.find((f) => f.key === "id");
    if (idField) {
      const taken = new Set(items.map((i) => (isRecord(i) && typeof i.id === "string" ? i.id : "")));
      let n = items.length + 1;
      while (taken.has(`${noun.replace(/\W+/g, "_")}_${n}`)) n++;
      item.id = `${noun.replace(/\W+/g, "_")}_${n}`;
    }
    set([...items, item]);
  }
  function move(index: number, by: number) {
    const target = index + by;
    if (target < 0 || target >= items.length) return;
    const next = [...items];
    [next[index], next[target]] = [next[target] as Json, next[index] as Json];
    set(next);
  }
  return (
    <fieldset className="form-group">
      <legend>{label}</legend>
      {description ? <p className="hint">{description}</p> : null}
      {items.map((item, index) => (
        <div className="list-card" key={index}>
          <div className="list-card-head">
            <span className="strong small">
              {noun.charAt(0).toUpperCase() + noun.slice(1)} {index + 1}
            </span>
            <span className="spacer" />
            {form.readOnly ? null : (
              <>
                <button type="button" className="button small icon-button" aria-label={`Move ${noun} ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                  <Icon name="chevron-up" size={14} />
                </button>
                <button type="button" className="button small icon-button" aria-label={`Move ${noun} ${index + 1} down`} disabled={index === items.length - 1} onClick={() => move(index, 1)}>
                  <Icon name="chevron-down" size={14} />
                </button>
                <button type="button" className="button small icon-button" aria-label={`Remove ${noun} ${index + 1}`} onClick={() => set(items.filter((_, i) => i !== index))}>
                  <Icon name="x" size={14} />
                </button>
              </>
            )}
          </div>
          {fields.map((field) => (
            <SchemaField
              key={field.key}
              schema={field.schema}
              path={[...path, index, field.key]}
              value={isRecord(item) ? item[field.key] : undefined}
              required={field.required}
              label={labelFor(field.key, field.schema)}
            />
          ))}
        </div>
      ))}
      {form.readOnly ? null : (
        <button type="button" className="button small" onClick={add}>
          <Icon name="plus" size={14} /> Add {noun}
        </button>
      )}
      {messages.length > 0 ? <span className="field-error">{messages.join(" · ")}</span> : null}
    </fieldset>
  );
}

/** One of several object shapes told apart by a tag (an HTTP body: JSON, form or text). */
function UnionField({ schema, path, value, label, required, description, messages }: CompoundProps & { required: boolean }) {
  const form = useForm();
  const union = discriminatedUnion(schema, form.root);
  const id = fieldId(form.idPrefix, path);
  if (!union) return null;
  const tag = isRecord(value) && typeof value[union.key] === "string" ? (value[union.key] as string) : "";
  const option = union.options.find((o) => o.value === tag);
  return (
    <fieldset className="form-group">
      <legend>{label}</legend>
      {description ? <p className="hint">{description}</p> : null}
      <label className="form-label" htmlFor={id}>
        {labelFor(union.key, {})}
      </label>
      <select
        id={id}
        className="input"
        value={tag}
        disabled={form.readOnly}
        onChange={(event) => form.onChange(path, event.target.value === "" ? undefined : { [union.key]: event.target.value })}
      >
        {!required ? <option value="">None</option> : <option value="">Choose…</option>}
        {union.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.value}
          </option>
        ))}
      </select>
      {option
        ? properties(option.schema, form.root)
            .filter((field) => field.key !== union.key)
            .map((field) => (
              <SchemaField
                key={`${tag}-${field.key}`}
                schema={field.schema}
                path={[...path, field.key]}
                value={isRecord(value) ? value[field.key] : undefined}
                required={field.required}
                label={labelFor(field.key, field.schema)}
              />
            ))
        : null}
      {messages.length > 0 ? <span className="field-error">{messages.join(" · ")}</span> : null}
    </fieldset>
  );
}

/**
 * Any JSON value, edited as text. It is parsed when the field loses focus (or
 * on Ctrl+Enter); until then a syntax error is shown and nothing changes.
 */
function JsonField({ id, path, value, label, required, description, messages }: { id: string; path: FieldPath; value: Json | undefined; label: string; required: boolean; description?: string; messages: string[] }) {
  const form = useForm();
  const [text, setText] = useState(value === undefined ? "" : JSON.stringify(value, null, 2));
  const [syntax, setSyntax] = useState<string | null>(null);
  function commit() {
    if (text.trim() === "") {
      setSyntax(null);
      if (value !== undefined) form.onChange(path, undefined);
      return;
    }
    try {
      const parsed = JSON.parse(text) as Json;
      setSyntax(null);
      if (JSON.stringify(parsed) !== JSON.stringify(value)) form.onChange(path, parsed);
    } catch (error) {
      setSyntax(`Not valid JSON: ${error instanceof Error ? error.message : "syntax error"}`);
    }
  }
  const all = syntax ? [syntax, ...messages] : messages;
  return (
    <FieldShell id={id} label={label} required={required} description={description ?? "JSON; applied when you leave the field."} messages={all}>
      <textarea
        id={id}
        className="input mono json-input"
        rows={Math.min(10, Math.max(3, text.split("\n").length))}
        value={text}
        readOnly={form.readOnly}
        spellCheck={false}
        aria-invalid={all.length > 0 || undefined}
        aria-describedby={describedBy(id, all, description ?? "JSON")}
        onChange={(event) => {
          setText(event.target.value);
          try {
            if (event.target.value.trim()) JSON.parse(event.target.value);
            setSyntax(null);
          } catch (error) {
            setSyntax(`Not valid JSON: ${error instanceof Error ? error.message : "syntax error"}`);
          }
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            commit();
          }
        }}
      />
    </FieldShell>
  );
}
