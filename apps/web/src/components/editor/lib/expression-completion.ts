import { pathStep } from "./ids";
import { isAnyJson, properties, resolve, type Schema } from "./json-schema";
import type { Descriptors, WorkflowDefinition, WorkflowNode } from "./types";

/**
 * Autocompletion for `{{ expression }}` templates and raw JSONata fields:
 * what a node's expressions can read, derived from the definition (which
 * nodes run before it) and the node types' output schemas.
 */
export interface CompletionItem {
  /** What gets inserted, e.g. `nodes.fetch.output.body`. */
  label: string;
  /** Short description shown beside it: a type, a node name. */
  detail: string;
  kind: "trigger" | "node" | "secret" | "run" | "variable";
}

const MAX_DEPTH = 3;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function typeLabel(schema: Schema): string {
  if (isAnyJson(schema)) return "any";
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.join(" | ");
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) return "one of several";
  return "any";
}

/** Field paths under `prefix` described by `schema` (objects' properties; arrays map over their items). */
export function schemaPaths(schema: unknown, root: Schema, prefix: string, kind: CompletionItem["kind"], depth = 0): CompletionItem[] {
  const s = resolve(schema, root);
  if (depth >= MAX_DEPTH || isAnyJson(s)) return [];
  const target = s.type === "array" ? resolve(s.items, root) : s;
  const out: CompletionItem[] = [];
  for (const property of properties(target, root)) {
    const label = `${prefix}.${pathStep(property.key)}`;
    out.push({ label, detail: typeof property.schema.description === "string" ? property.schema.description : typeLabel(property.schema), kind });
    out.push(...schemaPaths(property.schema, root, label, kind, depth + 1));
  }
  return out;
}

/** Ids of the nodes that run before `nodeId` (its ancestors along edges). */
export function upstreamNodeIds(definition: WorkflowDefinition, nodeId: string): string[] {
  const previous = new Map<string, string[]>();
  for (const edge of definition.edges) {
    const list = previous.get(edge.target);
    if (list) list.push(edge.source);
    else previous.set(edge.target, [edge.source]);
  }
  const seen = new Set<string>();
  const stack = [nodeId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const source of previous.get(id) ?? []) {
      if (source === nodeId || seen.has(source)) continue;
      seen.add(source);
      stack.push(source);
    }
  }
  return definition.nodes.filter((n) => seen.has(n.id)).map((n) => n.id);
}

/** The trigger's fields: what the run input looks like for this trigger type and config. */
function triggerItems(trigger: WorkflowNode | undefined, descriptors: Descriptors): CompletionItem[] {
  const items: CompletionItem[] = [{ label: "trigger", detail: "the run input", kind: "trigger" }];
  if (!trigger) return items;
  const descriptor = descriptors.get(trigger.type);
  if (trigger.type === "trigger.manual") {
    const schema = trigger.config.inputSchema;
    if (isRecord(schema)) items.push(...schemaPaths(schema, schema as Schema, "trigger", "trigger"));
    return items;
  }
  if (descriptor) items.push(...schemaPaths(descriptor.outputSchema, descriptor.outputSchema, "trigger", "trigger"));
  const body = trigger.config.bodySchema;
  if (isRecord(body)) items.push(...schemaPaths(body, body as Schema, "trigger.body", "trigger"));
  return items;
}

/** Everything an expression in `nodeId` can refer to. */
export function completionItems(
  definition: WorkflowDefinition,
  nodeId: string,
  descriptors: Descriptors,
  secretNames: readonly string[] = [],
): CompletionItem[] {
  const trigger = definition.nodes.find((n) => descriptors.get(n.type)?.category === "trigger");
  const items: CompletionItem[] = triggerItems(trigger, descriptors);
  const upstream = upstreamNodeIds(definition, nodeId);
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  let insideLoop = false;
  for (const id of upstream) {
    const node = byId.get(id);
    if (!node) continue;
    const descriptor = descriptors.get(node.type);
    if (descriptor?.role === "splitter") insideLoop = true;
    if (descriptor?.category === "trigger") continue;
    const base = `nodes.${pathStep(id)}.output`;
    items.push({ label: base, detail: node.name ?? descriptor?.title ?? node.type, kind: "node" });
    if (descriptor) items.push(...schemaPaths(descriptor.outputSchema, descriptor.outputSchema, base, "node"));
  }
  items.push(
    { label: "input", detail: "output of the node before this one", kind: "variable" },
    { label: "run.id", detail: "this run's id", kind: "run" },
    { label: "run.startedAt", detail: "when the run started (ISO time)", kind: "run" },
    { label: "run.attempt", detail: "attempt number", kind: "run" },
  );
  if (insideLoop) {
    items.push({ label: "item", detail: "the current element of For each", kind: "variable" });
    items.push({ label: "index", detail: "its position, from 0", kind: "variable" });
  }
  for (const name of secretNames) items.push({ label: `secrets.${pathStep(name)}`, detail: "secret (value never shown)", kind: "secret" });
  return items;
}

export type CompletionMode = "template" | "expression";

export interface CompletionMatch {
  /** The range of text the chosen item replaces. */
  from: number;
  to: number;
  query: string;
  items: CompletionItem[];
  /** In a template, whether `}}` still has to be written after the caret. */
  needsClose: boolean;
}

const PATH_CHAR = /[A-Za-z0-9_$.`-]/;

/**
 * What to offer at the caret. In a template, only inside an open `{{ … }}`;
 * in a raw expression field, anywhere a path is being typed.
 */
export function completeAt(text: string, caret: number, items: readonly CompletionItem[], mode: CompletionMode, limit = 50): CompletionMatch | null {
  let needsClose = false;
  if (mode === "template") {
    const open = text.lastIndexOf("{{", caret);
    if (open < 0 || open + 2 > caret) return null;
    const closed = text.indexOf("}}", open + 2);
    if (closed >= 0 && closed < caret) return null;
    needsClose = closed < 0;
  }
  let from = caret;
  while (from > 0 && PATH_CHAR.test(text.charAt(from - 1))) from--;
  if (mode === "template") from = Math.max(from, text.lastIndexOf("{{", caret) + 2);
  const query = text.slice(from, caret);
  // A path that follows a letter-less operator is fine; one right after a digit (e.g. `1.5`) is not a path.
  if (/^[0-9]/.test(query)) return null;
  if (mode === "expression" && query === "") return null;
  const lower = query.toLowerCase();
  const matches = items.filter((item) => item.label.toLowerCase().startsWith(lower) && item.label !== query);
  // Then anything containing the query, e.g. "status" finds nodes.fetch.output.status.
  if (lower.length >= 2) {
    for (const item of items) {
      if (!matches.includes(item) && item.label.toLowerCase().includes(lower)) matches.push(item);
    }
  }
  if (matches.length === 0) return null;
  return { from, to: caret, query, items: matches.slice(0, limit), needsClose };
}

/** The text after choosing `item`, and where the caret goes. */
export function applyCompletion(text: string, match: CompletionMatch, item: CompletionItem): { text: string; caret: number } {
  const before = text.slice(0, match.from);
  const after = text.slice(match.to);
  const lead = /\{\{$/.test(before) ? " " : "";
  const close = match.needsClose ? " }}" : "";
  const inserted = `${lead}${item.label}${close}`;
  return { text: before + inserted + after, caret: before.length + lead.length + item.label.length };
}

/** `{{ secrets.NAME }}` at the caret (replacing any selection). */
export function insertSecret(text: string, start: number, end: number, name: string): { text: string; caret: number } {
  const snippet = `{{ secrets.${pathStep(name)} }}`;
  return { text: text.slice(0, start) + snippet + text.slice(end), caret: start + snippet.length };
}
