import { edgeIdFor, uniqueId, uniqueName } from "./ids";
import type { Json, WorkflowDefinition, WorkflowEdge, WorkflowNode, XY } from "./types";

/** Copied nodes with the edges between them: what the editor's clipboard holds. */
export interface Fragment {
  format: "trellis.fragment";
  version: 1;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export const FRAGMENT_FORMAT = "trellis.fragment";

/** The selected nodes and the edges among them (an edge to an unselected node stays behind). */
export function copyFragment(definition: WorkflowDefinition, nodeIds: Iterable<string>): Fragment | null {
  const ids = new Set(nodeIds);
  const nodes = definition.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = definition.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { format: FRAGMENT_FORMAT, version: 1, nodes, edges };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A fragment read back from text (another tab's copy), or null when the text is something else. */
export function parseFragment(text: string): Fragment | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.format !== FRAGMENT_FORMAT || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
  const nodes = value.nodes.filter(
    (n): n is WorkflowNode => isRecord(n) && typeof n.id === "string" && typeof n.type === "string" && isRecord(n.position) && isRecord(n.config ?? {}),
  );
  const edges = value.edges.filter((e): e is WorkflowEdge => isRecord(e) && typeof e.id === "string" && typeof e.source === "string" && typeof e.target === "string");
  return nodes.length > 0 ? { format: FRAGMENT_FORMAT, version: 1, nodes: nodes.map((n) => ({ ...n, config: n.config ?? {} })), edges } : null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Rewrites `nodes.<old>` references in config strings to the pasted copies'
 * ids, so a pasted pair whose second node reads the first keeps working.
 */
export function remapReferences(value: Json, ids: ReadonlyMap<string, string>): Json {
  if (ids.size === 0) return value;
  if (typeof value === "string") {
    if (!value.includes("nodes.")) return value;
    let out = value;
    for (const [from, to] of ids) {
      if (from === to) continue;
      const plain = new RegExp(`(\\bnodes\\.)${escapeRegExp(from)}(?![A-Za-z0-9_$-])`, "g");
      const quoted = new RegExp(`(\\bnodes\\.)\`${escapeRegExp(from)}\``, "g");
      out = out.replace(plain, `$1${to}`).replace(quoted, `$1\`${to}\``);
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => remapReferences(item, ids));
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) out[key] = remapReferences(item, ids);
    return out;
  }
  return value;
}

/**
 * Pastes a fragment with fresh ids (and names), its edges rewired to the
 * copies and its references remapped. Placed at `at` (its top-left corner)
 * or, without it, offset from the originals so the copy is visible.
 */
export function pasteFragment(
  definition: WorkflowDefinition,
  fragment: Fragment,
  placement: { at?: XY; offset?: XY } = {},
): { definition: WorkflowDefinition; nodeIds: string[]; edgeIds: string[] } {
  const takenIds = new Set(definition.nodes.map((n) => n.id));
  const takenNames = new Set(definition.nodes.map((n) => n.name ?? n.id));
  const idMap = new Map<string, string>();
  for (const node of fragment.nodes) {
    const id = uniqueId(node.id, takenIds);
    takenIds.add(id);
    idMap.set(node.id, id);
  }
  const minX = Math.min(...fragment.nodes.map((n) => n.position.x));
  const minY = Math.min(...fragment.nodes.map((n) => n.position.y));
  const dx = placement.at ? placement.at.x - minX : (placement.offset?.x ?? 40);
  const dy = placement.at ? placement.at.y - minY : (placement.offset?.y ?? 40);

  const nodes: WorkflowNode[] = fragment.nodes.map((node) => {
    const name = uniqueName(node.name ?? node.id, takenNames);
    takenNames.add(name);
    const copy: WorkflowNode = {
      ...node,
      id: idMap.get(node.id) as string,
      name,
      position: { x: Math.round(node.position.x + dx), y: Math.round(node.position.y + dy) },
      config: remapReferences(node.config, idMap) as WorkflowNode["config"],
    };
    if (node.compensation) {
      const compensation = idMap.get(node.compensation);
      if (compensation) copy.compensation = compensation;
      else delete copy.compensation;
    }
    return copy;
  });

  const takenEdges = new Set(definition.edges.map((e) => e.id));
  const edges: WorkflowEdge[] = [];
  for (const edge of fragment.edges) {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    if (!source || !target) continue;
    const id = edgeIdFor(source, edge.sourceHandle ?? null, target, takenEdges);
    takenEdges.add(id);
    edges.push({ ...edge, id, source, target });
  }
  return {
    definition: { ...definition, nodes: [...definition.nodes, ...nodes], edges: [...definition.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}
