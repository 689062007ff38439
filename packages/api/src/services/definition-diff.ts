import { z } from "zod";
import type { WorkflowDefinition, WorkflowEdge, WorkflowNode } from "@trellis/engine";

/**
 * A structured comparison of two workflow definitions, for "what changed
 * between version 3 and 4". Nodes are matched by id; edges by what they
 * connect (source and target with their handles), because the canvas may give
 * a redrawn edge a new id without changing the graph.
 */
export type JsonPath = (string | number)[];

export const valueChangeSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  kind: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type ValueChange = z.output<typeof valueChangeSchema>;

const nodeRefSchema = z.object({ id: z.string(), type: z.string(), name: z.string().nullable() });
const edgeRefSchema = z.object({
  id: z.string(),
  source: z.string(),
  sourceHandle: z.string().nullable(),
  target: z.string(),
  targetHandle: z.string().nullable(),
});

export const definitionDiffSchema = z.object({
  identical: z.boolean().meta({ description: "Nothing differs, not even a node's position" }),
  nodes: z.object({
    added: z.array(nodeRefSchema),
    removed: z.array(nodeRefSchema),
    changed: z.array(
      nodeRefSchema.extend({
        fields: z.array(z.string()).meta({ description: "Node fields that differ besides config: type, name, position, retry, timeoutMs…" }),
        config: z.array(valueChangeSchema).meta({ description: "Changed config values, each at its path inside the config" }),
      }),
    ),
  }),
  edges: z.object({ added: z.array(edgeRefSchema), removed: z.array(edgeRefSchema) }),
  settings: z.array(valueChangeSchema),
});
export type DefinitionDiff = z.output<typeof definitionDiffSchema>;

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every leaf that differs between two JSON values; arrays compare index by index. */
export function diffValues(before: Json, after: Json, path: JsonPath = []): ValueChange[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, kind: "added", after }];
  if (after === undefined) return [{ path, kind: "removed", before }];
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: ValueChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffValues(before[i], after[i], [...path, i]));
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const out: ValueChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) out.push(...diffValues(before[key], after[key], [...path, key]));
    return out;
  }
  return Object.is(before, after) ? [] : [{ path, kind: "changed", before, after }];
}

const nodeRef = (node: WorkflowNode) => ({ id: node.id, type: node.type, name: node.name ?? null });
const edgeRef = (edge: WorkflowEdge) => ({
  id: edge.id,
  source: edge.source,
  sourceHandle: edge.sourceHandle ?? null,
  target: edge.target,
  targetHandle: edge.targetHandle ?? null,
});
const edgeKey = (edge: WorkflowEdge) => JSON.stringify([edge.source, edge.sourceHandle ?? null, edge.target, edge.targetHandle ?? null]);

const COMPARED_FIELDS = ["type", "name", "position", "retry", "timeoutMs", "continueOnFail", "compensation"] as const;

export function diffDefinitions(before: WorkflowDefinition, after: WorkflowDefinition): DefinitionDiff {
  const beforeNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const afterNodes = new Map(after.nodes.map((n) => [n.id, n]));

  const changed: DefinitionDiff["nodes"]["changed"] = [];
  for (const node of after.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old) continue;
    const fields = COMPARED_FIELDS.filter((field) => diffValues(old[field], node[field]).length > 0);
    const config = diffValues(old.config, node.config);
    if (fields.length > 0 || config.length > 0) changed.push({ ...nodeRef(node), fields: [...fields], config });
  }

  const beforeEdges = new Map(before.edges.map((e) => [edgeKey(e), e]));
  const afterEdges = new Map(after.edges.map((e) => [edgeKey(e), e]));

  const diff: DefinitionDiff = {
    identical: false,
    nodes: {
      added: after.nodes.filter((n) => !beforeNodes.has(n.id)).map(nodeRef),
      removed: before.nodes.filter((n) => !afterNodes.has(n.id)).map(nodeRef),
      changed,
    },
    edges: {
      added: after.edges.filter((e) => !beforeEdges.has(edgeKey(e))).map(edgeRef),
      removed: before.edges.filter((e) => !afterEdges.has(edgeKey(e))).map(edgeRef),
    },
    settings: diffValues(before.settings, after.settings),
  };
  diff.identical =
    diff.nodes.added.length + diff.nodes.removed.length + diff.nodes.changed.length + diff.edges.added.length + diff.edges.removed.length + diff.settings.length === 0 &&
    before.schemaVersion === after.schemaVersion;
  return diff;
}
