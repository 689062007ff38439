import { parseStepId, type ExecutionPlan, type PlanNode } from "@trellis/engine";
import type { JournalEntry } from "../records/journal";

/** Every node with a path to `nodeId` (not `nodeId` itself): what a retry from that node reuses. */
export function upstreamNodes(plan: ExecutionPlan, nodeId: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(plan.predecessors[nodeId] ?? [])];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    queue.push(...(plan.predecessors[id] ?? []));
  }
  return seen;
}

// What decides a node's journaled result: a node whose signature changed would not produce the output being reused.
function nodeSignature(plan: ExecutionPlan, node: PlanNode): string {
  const incoming = node.in.map((i) => {
    const edge = plan.edges[i];
    return edge ? [edge.source, edge.sourceHandle, edge.targetHandle, edge.kind] : null;
  });
  return JSON.stringify([
    node.type,
    node.config,
    node.retry,
    node.timeoutMs,
    node.continueOnFail,
    node.compensation,
    node.role,
    incoming,
  ]);
}

/**
 * The upstream nodes of `nodeId` that differ between two versions: changed,
 * added, removed or rewired. Empty when the later version can reuse the
 * earlier version's upstream results.
 */
export function differingUpstreamNodes(from: ExecutionPlan, to: ExecutionPlan, nodeId: string): string[] {
  if (!to.nodes[nodeId]) return [nodeId];
  const before = upstreamNodes(from, nodeId);
  const after = upstreamNodes(to, nodeId);
  const differing = new Set<string>();
  for (const id of new Set([...before, ...after])) {
    const a = before.has(id) ? from.nodes[id] : undefined;
    const b = after.has(id) ? to.nodes[id] : undefined;
    if (!a || !b || nodeSignature(from, a) !== nodeSignature(to, b)) differing.add(id);
  }
  // The retried node re-runs, but it must still be fed the same way.
  const target = [from.nodes[nodeId], to.nodes[nodeId]] as const;
  if (target[0] && target[1]) {
    const feeds = (plan: ExecutionPlan, node: PlanNode) =>
      JSON.stringify(node.in.map((i) => [plan.edges[i]?.source, plan.edges[i]?.sourceHandle, plan.edges[i]?.targetHandle]));
    if (feeds(from, target[0]) !== feeds(to, target[1])) differing.add(nodeId);
  }
  return [...differing].sort();
}

export interface ReusedSteps {
  nodeId: string;
  stepIds: string[];
}

/**
 * The journal entries of upstream nodes to copy into the new run, by node.
 * Pending (`waiting`) and skipped rows are left behind, and so are
 * compensation steps: the new run has not failed.
 */
export function reusableSteps(journal: ReadonlyMap<string, JournalEntry>, upstream: ReadonlySet<string>): ReusedSteps[] {
  const byNode = new Map<string, string[]>();
  for (const [stepId, entry] of journal) {
    if (entry.status !== "succeeded" && entry.status !== "failed") continue;
    const parsed = parseStepId(stepId);
    if (!parsed || parsed.compensates !== null || !upstream.has(parsed.nodeId)) continue;
    const list = byNode.get(parsed.nodeId) ?? [];
    list.push(stepId);
    byNode.set(parsed.nodeId, list);
  }
  return [...byNode.entries()].map(([nodeId, stepIds]) => ({ nodeId, stepIds: stepIds.sort() }));
}
