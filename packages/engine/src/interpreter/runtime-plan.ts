import type {
  EdgeKind,
  ExecutionPlan,
  NodeRole,
  PlanNode,
} from "../compiler/plan";
import { PLAN_VERSION } from "../compiler/plan";
import { PlanError } from "../errors";
import { compilePathPatterns, type PathPattern } from "../expressions/template";
import type { NodeRegistry } from "../nodes/registry";
import type { NodeType } from "../nodes/types";

/** The plan turned into linked objects once, so the scheduler never scans edge lists by id. */
export interface RNode {
  id: string;
  def: PlanNode;
  type: NodeType;
  role: NodeRole;
  slot: number;
  waitCount: number;
  out: REdge[];
  collectors: RNode[];
  bodyGroup: RGroup | null;
  rawPatterns: PathPattern[];
  declaredHandles: ReadonlySet<string>;
  maxParallel: number;
}

export interface REdge {
  id: string;
  source: RNode;
  target: RNode;
  sourceHandle: string;
  kind: EdgeKind;
  /** Position among the target's incoming edges: picks `input` deterministically at joins. */
  targetOrder: number;
}

export interface RGroup {
  index: number;
  splitter: RNode | null;
  members: RNode[];
  entries: REdge[];
}

export interface RuntimePlan {
  plan: ExecutionPlan;
  nodes: Map<string, RNode>;
  root: RGroup;
  terminals: RNode[];
}

export function runtimeNode(def: PlanNode, type: NodeType): RNode {
  const outputs = type.outputsFor ? type.outputsFor(def.config) : type.outputs;
  return {
    id: def.id,
    def,
    type,
    role: def.role,
    slot: def.slot,
    waitCount: def.waitCount,
    out: [],
    collectors: [],
    bodyGroup: null,
    rawPatterns: compilePathPatterns(type.expressionFields),
    declaredHandles: new Set(outputs.map((h) => h.id)),
    maxParallel:
      type.role?.kind === "splitter" ? type.role.maxParallel(def.config) : 1,
  };
}

const cache = new WeakMap<ExecutionPlan, WeakMap<NodeRegistry, RuntimePlan>>();

export function prepareRuntimePlan(
  plan: ExecutionPlan,
  registry: NodeRegistry,
): RuntimePlan {
  let byRegistry = cache.get(plan);
  const cached = byRegistry?.get(registry);
  if (cached) return cached;
  const prepared = build(plan, registry);
  if (!byRegistry) {
    byRegistry = new WeakMap();
    cache.set(plan, byRegistry);
  }
  byRegistry.set(registry, prepared);
  return prepared;
}

function build(plan: ExecutionPlan, registry: NodeRegistry): RuntimePlan {
  if (plan.version !== PLAN_VERSION)
    throw new PlanError(
      `plan version ${String(plan.version)} is not supported`,
    );
  const nodes = new Map<string, RNode>();
  for (const def of Object.values(plan.nodes)) {
    const type = registry.get(def.type);
    if (!type)
      throw new PlanError(
        `node "${def.id}" has type "${def.type}", which this registry does not know`,
      );
    nodes.set(def.id, runtimeNode(def, type));
  }
  const get = (id: string): RNode => {
    const node = nodes.get(id);
    if (!node) throw new PlanError(`plan refers to missing node "${id}"`);
    return node;
  };
  const groups: RGroup[] = plan.groups.map((g) => ({
    index: g.index,
    splitter: g.splitter === null ? null : get(g.splitter),
    members: g.members.map(get),
    entries: [],
  }));
  const incomingSeen = new Map<string, number>();
  for (const edge of plan.edges) {
    const source = get(edge.source);
    const target = get(edge.target);
    const targetOrder = incomingSeen.get(target.id) ?? 0;
    incomingSeen.set(target.id, targetOrder + 1);
    const runtimeEdge: REdge = {
      id: edge.id,
      source,
      target,
      sourceHandle: edge.sourceHandle,
      kind: edge.kind,
      targetOrder,
    };
    source.out.push(runtimeEdge);
    if (edge.kind === "entry" || edge.kind === "entry-exit") {
      const body =
        source.def.bodyGroup === null
          ? undefined
          : groups[source.def.bodyGroup];
      body?.entries.push(runtimeEdge);
    }
  }
  for (const node of nodes.values()) {
    node.collectors = node.def.collectors.map(get);
    node.bodyGroup =
      node.def.bodyGroup === null ? null : (groups[node.def.bodyGroup] ?? null);
  }
  const root = groups[0];
  if (!root) throw new PlanError("plan has no top-level group");
  return { plan, nodes, root, terminals: plan.terminals.map(get) };
}
