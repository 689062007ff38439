import { DEFAULT_INPUT, type DiffStatus, type WorkflowDefinition, type WorkflowEdge, type WorkflowNode } from "./types";

/**
 * What restoring a version would do to the draft: nodes and edges only in
 * the version are "added", those only in the draft "removed", and nodes in
 * both whose content differs "changed". Nodes match by id; edges by what
 * they connect, since a redrawn edge may get a new id. A node that only
 * moved is not a change worth highlighting.
 */
export interface VersionDiff {
  nodes: Map<string, DiffStatus>;
  /** Keyed by the edge's id in the definition it belongs to (version, or draft for removed ones). */
  edges: Map<string, DiffStatus>;
  /** Draft nodes and edges the version does not have: drawn as ghosts. */
  removedNodes: WorkflowNode[];
  removedEdges: WorkflowEdge[];
  /** Per changed node, the fields that differ (`name`, `config.url`, `retry`…). */
  changes: Map<string, string[]>;
  counts: { added: number; removed: number; changed: number };
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

export const edgeKey = (edge: WorkflowEdge) => `${edge.source}\u0000${edge.sourceHandle ?? "out"}\u0000${edge.target}\u0000${edge.targetHandle ?? DEFAULT_INPUT}`;

const FIELDS = ["type", "name", "retry", "timeoutMs", "continueOnFail", "compensation"] as const;

/** Fields of two nodes that differ, config keys as `config.<key>`; position is left out. */
export function changedFields(before: WorkflowNode, after: WorkflowNode): string[] {
  const out: string[] = FIELDS.filter((field) => stable(before[field]) !== stable(after[field]));
  const keys = new Set([...Object.keys(before.config), ...Object.keys(after.config)]);
  for (const key of [...keys].sort()) {
    if (stable(before.config[key]) !== stable(after.config[key])) out.push(`config.${key}`);
  }
  return out;
}

export function diffVersion(version: WorkflowDefinition, draft: WorkflowDefinition): VersionDiff {
  const draftNodes = new Map(draft.nodes.map((n) => [n.id, n]));
  const versionIds = new Set(version.nodes.map((n) => n.id));
  const nodes = new Map<string, DiffStatus>();
  const changes = new Map<string, string[]>();
  for (const node of version.nodes) {
    const current = draftNodes.get(node.id);
    if (!current) {
      nodes.set(node.id, "added");
      continue;
    }
    const fields = changedFields(current, node);
    if (fields.length > 0) {
      nodes.set(node.id, "changed");
      changes.set(node.id, fields);
    }
  }
  const removedNodes = draft.nodes.filter((n) => !versionIds.has(n.id));
  for (const node of removedNodes) nodes.set(node.id, "removed");

  const draftEdges = new Set(draft.edges.map(edgeKey));
  const versionEdges = new Set(version.edges.map(edgeKey));
  const edges = new Map<string, DiffStatus>();
  for (const edge of version.edges) if (!draftEdges.has(edgeKey(edge))) edges.set(edge.id, "added");
  const removedEdges = draft.edges.filter((e) => !versionEdges.has(edgeKey(e)));
  for (const edge of removedEdges) edges.set(`removed:${edge.id}`, "removed");

  let added = 0;
  let changed = 0;
  for (const status of nodes.values()) {
    if (status === "added") added++;
    else if (status === "changed") changed++;
  }
  return { nodes, edges, removedNodes, removedEdges, changes, counts: { added, removed: removedNodes.length, changed } };
}

/**
 * The definition the preview draws: the version, plus the draft's removed
 * nodes and edges as ghosts (removed edges get a `removed:` id prefix so they
 * never collide with the version's).
 */
export function previewDefinition(version: WorkflowDefinition, diff: VersionDiff): WorkflowDefinition {
  if (diff.removedNodes.length === 0 && diff.removedEdges.length === 0) return version;
  return {
    ...version,
    nodes: [...version.nodes, ...diff.removedNodes],
    edges: [...version.edges, ...diff.removedEdges.map((e) => ({ ...e, id: `removed:${e.id}` }))],
  };
}
