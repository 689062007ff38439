import type { RetryPolicy, WorkflowSettings } from "../definition/schema";
import type { JsonObject } from "../json";

export const PLAN_VERSION = 1;

/**
 * normal: both ends run in the same scope. entry: a splitter's `item` edge
 * into its branch. exit: a branch edge into the collector closing it.
 * entry-exit: a splitter's `item` edge straight into its collector.
 */
export type EdgeKind = "normal" | "entry" | "exit" | "entry-exit";

export type NodeRole =
  "trigger" | "step" | "splitter" | "collector" | "compensation";

export interface PlanEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  kind: EdgeKind;
}

export interface PlanNode {
  id: string;
  type: string;
  name: string | null;
  /** Validated config with defaults; templates are resolved at run time. */
  config: JsonObject;
  hasTemplates: boolean;
  role: NodeRole;
  /** Position in `order` (-1 for compensation nodes, which are not in the graph). */
  topoIndex: number;
  /** The group (scope) the node runs in: 0 is the top level, others are splitter branches. */
  group: number;
  slot: number;
  /** Incoming edges to resolve before the node is decided (a collector waits on its splitter only). */
  waitCount: number;
  /** Indexes into `edges`, in definition order. */
  in: number[];
  out: number[];
  retry: RetryPolicy;
  timeoutMs: number;
  continueOnFail: boolean;
  compensation: string | null;
  /** Splitters: the group of their branch. */
  bodyGroup: number | null;
  /** Collectors: the splitter they close. */
  closes: string | null;
  /** Splitters: the collectors closing them. */
  collectors: string[];
}

export interface PlanGroup {
  index: number;
  splitter: string | null;
  /** Nodes running once per instance of this group, in topological order. */
  members: string[];
}

/** Plain JSON: cache it by workflow version id. */
export interface ExecutionPlan {
  version: typeof PLAN_VERSION;
  triggerId: string;
  order: string[];
  nodes: Record<string, PlanNode>;
  edges: PlanEdge[];
  predecessors: Record<string, string[]>;
  groups: PlanGroup[];
  /** Top-level nodes without successors: the run output is theirs. */
  terminals: string[];
  settings: WorkflowSettings;
}
