import type { RetryPolicy, WorkflowDefinition } from "../definition/schema";
import { ERROR_HANDLE } from "../nodes/types";
import type { GraphEdge } from "./checks";
import type { CheckedNode } from "./config";
import {
  PLAN_VERSION,
  type EdgeKind,
  type ExecutionPlan,
  type NodeRole,
  type PlanEdge,
  type PlanGroup,
  type PlanNode,
} from "./plan";
import type { ScopeInfo } from "./scopes";

export function roleOf(checked: CheckedNode, isTrigger: boolean): NodeRole {
  if (isTrigger) return "trigger";
  return checked.type?.role?.kind ?? "step";
}

function edgeKind(
  edge: GraphEdge,
  roles: Map<string, NodeRole>,
  scopes: ScopeInfo,
): EdgeKind {
  const fromItem =
    roles.get(edge.source) === "splitter" && edge.sourceHandle !== ERROR_HANDLE;
  const intoCollector = roles.get(edge.target) === "collector";
  if (
    fromItem &&
    intoCollector &&
    scopes.closes.get(edge.target) === edge.source
  )
    return "entry-exit";
  if (fromItem) return "entry";
  if (intoCollector) return "exit";
  return "normal";
}

function mergeRetry(
  base: RetryPolicy,
  override: Partial<RetryPolicy> | undefined,
): RetryPolicy {
  const merged = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) {
    if (value !== undefined) merged[key as keyof RetryPolicy] = value;
  }
  return merged;
}

export function buildPlan(
  definition: WorkflowDefinition,
  nodes: Map<string, CheckedNode>,
  order: string[],
  edges: GraphEdge[],
  roles: Map<string, NodeRole>,
  scopes: ScopeInfo,
  compensators: Set<string>,
  triggerId: string,
): ExecutionPlan {
  const { settings } = definition;
  const groups: PlanGroup[] = [{ index: 0, splitter: null, members: [] }];
  const bodyGroup = new Map<string, number>();
  for (const id of order) {
    if (roles.get(id) !== "splitter") continue;
    bodyGroup.set(id, groups.length);
    groups.push({ index: groups.length, splitter: id, members: [] });
  }
  const groupOf = (id: string): number => {
    const scope = scopes.scope.get(id) ?? [];
    return scope.length === 0
      ? 0
      : (bodyGroup.get(scope[scope.length - 1] as string) as number);
  };

  const planNodes: Record<string, PlanNode> = {};
  const makeNode = (
    id: string,
    role: NodeRole,
    topoIndex: number,
    group: number,
    slot: number,
  ): PlanNode => {
    const { node, config, hasTemplates } = nodes.get(id) as CheckedNode;
    return {
      id,
      type: node.type,
      name: node.name ?? null,
      config: config ?? {},
      hasTemplates,
      role,
      topoIndex,
      group,
      slot,
      waitCount: 0,
      in: [],
      out: [],
      retry: mergeRetry(settings.retry, node.retry),
      timeoutMs: node.timeoutMs ?? settings.nodeTimeoutMs,
      continueOnFail: node.continueOnFail ?? false,
      compensation: node.compensation ?? null,
      bodyGroup: bodyGroup.get(id) ?? null,
      closes: scopes.closes.get(id) ?? null,
      collectors: [],
    };
  };
  order.forEach((id, topoIndex) => {
    const group = groups[groupOf(id)] as PlanGroup;
    planNodes[id] = makeNode(
      id,
      roles.get(id) as NodeRole,
      topoIndex,
      group.index,
      group.members.length,
    );
    group.members.push(id);
  });
  for (const id of compensators)
    planNodes[id] = makeNode(id, "compensation", -1, -1, -1);

  const sorted = [...edges].sort((a, b) => a.index - b.index);
  const planEdges: PlanEdge[] = sorted.map((edge, i) => {
    const kind = edgeKind(edge, roles, scopes);
    const source = planNodes[edge.source] as PlanNode;
    const target = planNodes[edge.target] as PlanNode;
    source.out.push(i);
    target.in.push(i);
    if (kind === "normal" || kind === "entry") target.waitCount++;
    return {
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourceHandle as string,
      target: edge.target,
      targetHandle: edge.targetHandle as string,
      kind,
    };
  });
  for (const [collector, splitter] of scopes.closes) {
    (planNodes[splitter] as PlanNode).collectors.push(collector);
    (planNodes[collector] as PlanNode).waitCount = 1;
  }

  const predecessors: Record<string, string[]> = {};
  for (const id of order)
    predecessors[id] = [
      ...new Set(
        (planNodes[id] as PlanNode).in.map(
          (i) => (planEdges[i] as PlanEdge).source,
        ),
      ),
    ];
  const terminals = order.filter((id) => {
    const node = planNodes[id] as PlanNode;
    return (
      node.group === 0 &&
      node.collectors.length === 0 &&
      !node.out.some((i) => (planEdges[i] as PlanEdge).kind === "normal")
    );
  });

  return {
    version: PLAN_VERSION,
    triggerId,
    order,
    nodes: planNodes,
    edges: planEdges,
    predecessors,
    groups,
    terminals,
    settings,
  };
}
