import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import { outputsOf } from "./connections";
import { estimatedSize } from "./flow-mapping";
import { DEFAULT_INPUT, ERROR_HANDLE, type Descriptors, type WorkflowDefinition, type XY } from "./types";

/** A typical node's size, where the node itself is unknown. */
export const DEFAULT_NODE_SIZE = { width: 240, height: 74 };

/**
 * Past this many nodes the layout trades a few crossings for speed: one
 * crossing-minimisation sweep instead of several and no greedy-switch pass
 * (ELK's most expensive phase on wide graphs). Measured on 500 nodes this
 * halves the layout time; layering, port order and spacing stay the same, so
 * the result stays a correct left-to-right layout.
 */
export const LARGE_LAYOUT = 150;

/**
 * The ELK graph for "Automatic layout": layered, left to right, with one port
 * per handle in a fixed order so a condition's `true` branch stays above its
 * `false` branch.
 */
export function toElkGraph(
  definition: WorkflowDefinition,
  descriptors: Descriptors,
  sizes: ReadonlyMap<string, { width: number; height: number }>,
): ElkNode {
  const ids = new Set(definition.nodes.map((n) => n.id));
  const children: ElkNode[] = definition.nodes.map((node) => {
    const size = sizes.get(node.id) ?? estimatedSize(node, descriptors.get(node.type));
    const outputs = outputsOf(node, descriptors.get(node.type), definition.edges.some((e) => e.source === node.id && e.sourceHandle === ERROR_HANDLE));
    const child: ElkNode = { id: node.id, width: size.width, height: size.height };
    // Ports only where the order of outputs matters (a condition's true above its false):
    // they cost ELK time, and a 500-node layout should not pay for them everywhere.
    if (outputs.length > 1) {
      child.layoutOptions = { "elk.portConstraints": "FIXED_ORDER" };
      // Indices run clockwise from the top left: outputs top to bottom on the right, then the input.
      child.ports = [
        ...outputs.map((handle, index) => ({
          id: `${node.id}::out::${handle.id}`,
          layoutOptions: { "elk.port.side": "EAST", "elk.port.index": String(index) },
        })),
        { id: `${node.id}::in::${DEFAULT_INPUT}`, layoutOptions: { "elk.port.side": "WEST", "elk.port.index": String(outputs.length) } },
      ];
    }
    return child;
  });
  const ports = new Set(children.flatMap((c) => (c.ports ?? []).map((p) => p.id)));
  const edges: ElkExtendedEdge[] = definition.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((edge) => {
      const sourcePort = `${edge.source}::out::${edge.sourceHandle ?? "out"}`;
      const targetPort = `${edge.target}::in::${edge.targetHandle ?? DEFAULT_INPUT}`;
      return {
        id: edge.id,
        sources: [ports.has(sourcePort) ? sourcePort : edge.source],
        targets: [ports.has(targetPort) ? targetPort : edge.target],
      };
    });
  const large = children.length > LARGE_LAYOUT;
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.spacing.nodeNode": "40",
      "elk.spacing.componentComponent": "80",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
      // React Flow draws its own curves: ELK's edge routes are not used, so the cheapest routing and fewer sweeps will do.
      "elk.edgeRouting": "POLYLINE",
      "elk.layered.thoroughness": large ? "1" : "3",
      ...(large ? { "elk.layered.crossingMinimization.greedySwitch.type": "OFF" } : {}),
      "elk.separateConnectedComponents": "true",
    },
    children,
    edges,
  };
}

/** Node positions from a laid-out graph, snapped to whole pixels. */
export function positionsFromElk(graph: ElkNode): Map<string, XY> {
  const positions = new Map<string, XY>();
  for (const child of graph.children ?? []) {
    positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return positions;
}

/**
 * Whether most nodes sit on top of others: what a definition written by hand
 * or by another tool (no positions) looks like. The editor lays those out
 * when it opens them.
 */
export function hasStackedNodes(definition: WorkflowDefinition): boolean {
  if (definition.nodes.length < 2) return false;
  const counts = new Map<string, number>();
  for (const node of definition.nodes) {
    const key = `${Math.round(node.position.x / 10)}:${Math.round(node.position.y / 10)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let stacked = 0;
  for (const count of counts.values()) if (count > 1) stacked += count;
  return stacked * 2 > definition.nodes.length;
}
