import { nodeStateLabel, type NodeRun } from "../../runs/lib/node-states";
import { formatDuration } from "../../runs/lib/run-format";
import type { FieldIssue, Schema } from "./json-schema";
import type { Descriptors, Json, JsonObject, WorkflowDefinition } from "./types";

/**
 * The editor's "Test run": what the input form is built from, how the
 * server's answer maps back onto it, and what each node's overlay shows.
 */

function isRecord(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The trigger a test run starts from and the JSON Schema its input must satisfy (null: any input). */
export function triggerInput(definition: WorkflowDefinition, descriptors: Descriptors): { nodeId: string | null; schema: Schema | null } {
  const trigger = definition.nodes.find((n) => descriptors.get(n.type)?.category === "trigger");
  if (!trigger) return { nodeId: null, schema: null };
  const schema = trigger.config.inputSchema;
  return { nodeId: trigger.id, schema: isRecord(schema) ? (schema as Schema) : null };
}

/** Whether the schema describes an object with named fields the form can show one by one. */
export function hasFormFields(schema: Schema | null): schema is Schema {
  return schema !== null && isRecord(schema.properties) && Object.keys(schema.properties).length > 0;
}

/** A first input: the schema's defaults and examples, so the form opens filled in where it can be. */
export function initialInput(schema: Schema | null): JsonObject {
  if (!schema || !isRecord(schema.properties)) return {};
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(schema.properties)) {
    if (!isRecord(raw)) continue;
    if (raw.default !== undefined) out[key] = raw.default;
    else if (Array.isArray(raw.examples) && raw.examples.length > 0) out[key] = raw.examples[0] as Json;
  }
  return out;
}

/**
 * The server's field errors (`input.amount`, `input.items.0.sku`; `input` or
 * `_` for the input as a whole) as issues on the form's paths.
 */
export function inputIssues(fieldErrors: Readonly<Record<string, readonly string[]>>): { fields: FieldIssue[]; general: string[] } {
  const fields: FieldIssue[] = [];
  const general: string[] = [];
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const parts = key.split(".");
    if (parts[0] === "input" && parts.length > 1) {
      const path = parts.slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      for (const message of messages) fields.push({ path, message });
    } else {
      general.push(...messages.map((message) => (key === "_" || key === "input" ? message : `${key}: ${message}`)));
    }
  }
  return { fields, general };
}

/** Parses the raw JSON input; an empty text is no input (null). */
export function parseRawInput(text: string): { ok: true; value: Json } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : "syntax error"}` };
  }
}

/** What a node's overlay pill says about its run. */
export interface RunOverlay {
  state: NodeRun["state"];
  label: string;
  /** Its duration once finished, how long it has been going while it runs. */
  elapsed: string | null;
  attempts: number;
  reused: boolean;
  /** While a retry preview is open: whether the node would run again or be reused. */
  retryRole: "rerun" | "reused" | null;
}

export function overlayOf(run: NodeRun, now: number, retryRole: RunOverlay["retryRole"] = null): RunOverlay {
  const live = run.state === "running" || run.state === "waiting";
  const elapsed =
    !live && run.durationMs !== null ? formatDuration(run.durationMs) : live && run.startedAt ? formatDuration(Math.max(0, now - run.startedAt.getTime())) : null;
  return { state: run.state, label: run.retrying ? "Retrying" : nodeStateLabel[run.state], elapsed, attempts: run.attempts, reused: run.reused, retryRole };
}

export const sameOverlay = (a: RunOverlay | undefined, b: RunOverlay | undefined) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.state === b.state &&
    a.label === b.label &&
    a.elapsed === b.elapsed &&
    a.attempts === b.attempts &&
    a.reused === b.reused &&
    a.retryRole === b.retryRole);

interface OverlaidNode {
  id: string;
  className?: string;
  ariaLabel?: string;
  data: Record<string, unknown>;
}

/**
 * Lays the run's node states over the canvas nodes. A node whose base object
 * and overlay did not change keeps its overlaid object, so a streamed event
 * re-renders the nodes it concerns, not every node.
 */
export function createOverlayer<N extends OverlaidNode>() {
  let cache = new Map<string, { base: N; overlay: RunOverlay; node: N }>();
  return function overlay(nodes: N[], overlays: ReadonlyMap<string, RunOverlay> | null): N[] {
    if (!overlays) {
      cache = new Map();
      return nodes;
    }
    const next = new Map<string, { base: N; overlay: RunOverlay; node: N }>();
    const out = nodes.map((base) => {
      const state = overlays.get(base.id);
      if (!state) return base;
      const cached = cache.get(base.id);
      const entry =
        cached && cached.base === base && sameOverlay(cached.overlay, state)
          ? cached
          : {
              base,
              overlay: state,
              node: {
                ...base,
                className: [base.className, `run-state-${state.state}`, state.retryRole ? `retry-${state.retryRole}` : ""].filter(Boolean).join(" "),
                ariaLabel: `${base.ariaLabel ?? base.id}, ${state.label.toLowerCase()}${state.elapsed ? ` in ${state.elapsed}` : ""}`,
                data: { ...base.data, overlay: state },
              },
            };
      next.set(base.id, entry);
      return entry.node;
    });
    cache = next;
    return out;
  };
}
