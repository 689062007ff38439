import { edgeIdFor, nodeIdBase, uniqueId, uniqueName } from "./ids";
import type { ConnectionRequest, Descriptors, Json, JsonObject, WorkflowDefinition, WorkflowEdge, WorkflowNode, XY } from "./types";

/**
 * Edits of a workflow definition. Each returns a new definition and leaves
 * the nodes and edges it did not touch as they were (same objects), which is
 * what lets the canvas re-derive only what changed.
 */

export type JsonPath = readonly (string | number)[];

/** Adds a node of `type`, named after its type ("Transform 2" when "Transform" exists). */
export function addNode(
  definition: WorkflowDefinition,
  descriptors: Descriptors,
  type: string,
  position: XY,
  /** An id chosen beforehand (used unless it is taken by now). */
  preferredId?: string,
): { definition: WorkflowDefinition; id: string } {
  const ids = new Set(definition.nodes.map((n) => n.id));
  const names = new Set(definition.nodes.map((n) => n.name ?? n.id));
  const title = descriptors.get(type)?.title ?? type;
  const id = preferredId && !ids.has(preferredId) ? preferredId : uniqueId(nodeIdBase(type), ids);
  const node: WorkflowNode = {
    id,
    type,
    name: uniqueName(title, names),
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    config: {},
  };
  return { definition: { ...definition, nodes: [...definition.nodes, node] }, id };
}

/** Removes nodes and edges; edges of removed nodes and compensation links to them go too. */
export function removeElements(definition: WorkflowDefinition, nodeIds: Iterable<string>, edgeIds: Iterable<string>): WorkflowDefinition {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return definition;
  const keptNodes = definition.nodes
    .filter((n) => !nodes.has(n.id))
    .map((n) => (n.compensation && nodes.has(n.compensation) ? withoutKey(n, "compensation") : n));
  const keptEdges = definition.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target));
  if (keptNodes.length === definition.nodes.length && keptEdges.length === definition.edges.length) return definition;
  return { ...definition, nodes: keptNodes, edges: keptEdges };
}

/** Moves nodes to new positions (rounded to whole pixels). */
export function moveNodes(definition: WorkflowDefinition, positions: ReadonlyMap<string, XY>): WorkflowDefinition {
  let changed = false;
  const nodes = definition.nodes.map((node) => {
    const to = positions.get(node.id);
    if (!to) return node;
    const x = Math.round(to.x);
    const y = Math.round(to.y);
    if (node.position.x === x && node.position.y === y) return node;
    changed = true;
    return { ...node, position: { x, y } };
  });
  return changed ? { ...definition, nodes } : definition;
}

/** Adds an edge (the caller checked it with `checkConnection`). */
export function addEdge(definition: WorkflowDefinition, connection: ConnectionRequest): { definition: WorkflowDefinition; id: string } {
  const id = edgeIdFor(connection.source, connection.sourceHandle, connection.target, new Set(definition.edges.map((e) => e.id)));
  const edge: WorkflowEdge = {
    id,
    source: connection.source,
    sourceHandle: connection.sourceHandle,
    target: connection.target,
    targetHandle: connection.targetHandle,
  };
  return { definition: { ...definition, edges: [...definition.edges, edge] }, id };
}

/** Replaces one node by what `change` makes of it; the same definition when nothing changed. */
export function updateNode(definition: WorkflowDefinition, id: string, change: (node: WorkflowNode) => WorkflowNode): WorkflowDefinition {
  let changed = false;
  const nodes = definition.nodes.map((node) => {
    if (node.id !== id) return node;
    const next = change(node);
    if (next !== node) changed = true;
    return next;
  });
  return changed ? { ...definition, nodes } : definition;
}

/** Sets (or, with `undefined`, removes) a node field such as name, timeoutMs or continueOnFail. */
export function setNodeField<K extends "name" | "timeoutMs" | "continueOnFail" | "retry">(
  definition: WorkflowDefinition,
  id: string,
  key: K,
  value: WorkflowNode[K] | undefined,
): WorkflowDefinition {
  return updateNode(definition, id, (node) => {
    if (node[key] === value) return node;
    return value === undefined ? withoutKey(node, key) : { ...node, [key]: value };
  });
}

/** Sets a value inside a node's config; `undefined` removes it. */
export function setNodeConfig(definition: WorkflowDefinition, id: string, path: JsonPath, value: Json | undefined): WorkflowDefinition {
  return updateNode(definition, id, (node) => {
    const config = setAt(node.config, path, value) as JsonObject;
    return config === node.config ? node : { ...node, config };
  });
}

/** Places nodes where a layout put them. */
export function applyPositions(definition: WorkflowDefinition, positions: ReadonlyMap<string, XY>): WorkflowDefinition {
  return moveNodes(definition, positions);
}

function withoutKey<T extends object, K extends keyof T>(value: T, key: K): T {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

/** The value at `path`, or undefined. */
export function getAt(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * A copy of `root` with `value` at `path` (creating objects and arrays on the
 * way); `undefined` deletes an object key or array element. Returns `root`
 * itself when nothing changes.
 */
export function setAt(root: Json | undefined, path: JsonPath, value: Json | undefined): Json | undefined {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof key === "number") {
    const array = Array.isArray(root) ? root : [];
    const next = setAt(array[key], rest, value);
    if (next === array[key] && Array.isArray(root)) return root;
    const copy = [...array];
    if (next === undefined) copy.splice(key, 1);
    else copy[key] = next;
    return copy;
  }
  const object: JsonObject = root !== null && typeof root === "object" && !Array.isArray(root) ? root : {};
  const current = object[key];
  const next = setAt(current, rest, value);
  if (next === current && object === root) return root;
  const copy: JsonObject = { ...object };
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}
