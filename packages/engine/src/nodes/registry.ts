import { toInputJsonSchema, type JsonSchema } from "../definition/json-schema";
import { approvalNode } from "./approval";
import { conditionNode } from "./condition";
import { delayNode } from "./delay";
import { httpRequestNode } from "./http-request";
import { collectorNode } from "./loop-collector";
import { splitterNode } from "./loop-splitter";
import { noopNode } from "./noop";
import { switchNode } from "./switch";
import { transformNode } from "./transform";
import { manualTriggerNode } from "./trigger-manual";
import { scheduleTriggerNode } from "./trigger-schedule";
import { webhookTriggerNode } from "./trigger-webhook";
import {
  ERROR_HANDLE,
  type HandleSpec,
  type NodeCategory,
  type NodeType,
} from "./types";
import { waitEventNode } from "./wait-event";
import { workflowInvokeNode } from "./workflow-invoke";

/** The public face of a node type: safe to ship to the canvas and the REST docs. */
export interface NodeDescriptor {
  type: string;
  title: string;
  category: NodeCategory;
  description: string;
  icon: string;
  handles: {
    inputs: HandleSpec[];
    outputs: HandleSpec[];
    /** Present when outputs depend on config (switch cases). */
    dynamicOutputs: string | null;
    /** Taken when the node fails and `continueOnFail` is set; null for triggers. */
    error: HandleSpec | null;
  };
  configSchema: JsonSchema;
  outputSchema: JsonSchema;
  /** Waits outside a step (sleep, event, invocation) and so may park the run. */
  durable: boolean;
  role: "trigger" | "splitter" | "collector" | null;
}

export interface NodeRegistry {
  get(type: string): NodeType | undefined;
  listNodeTypes(): NodeDescriptor[];
  describe(type: string): NodeDescriptor | undefined;
}

export const builtInNodeTypes: readonly NodeType[] = [
  manualTriggerNode,
  webhookTriggerNode,
  scheduleTriggerNode,
  httpRequestNode,
  transformNode,
  conditionNode,
  switchNode,
  splitterNode,
  collectorNode,
  delayNode,
  waitEventNode,
  approvalNode,
  workflowInvokeNode,
  noopNode,
];

const ERROR_SPEC: HandleSpec = {
  id: ERROR_HANDLE,
  label: "On error",
  description: "Taken when the node fails and continueOnFail is set",
};

function describe(node: NodeType): NodeDescriptor {
  const trigger = node.category === "trigger";
  return {
    type: node.type,
    title: node.title,
    category: node.category,
    description: node.description,
    icon: node.icon,
    handles: {
      inputs: [...node.inputs],
      outputs: [...node.outputs],
      dynamicOutputs: node.dynamicOutputs ?? null,
      error: trigger ? null : ERROR_SPEC,
    },
    configSchema: toInputJsonSchema(node.configSchema),
    outputSchema: toInputJsonSchema(node.outputSchema),
    durable: node.durable !== undefined,
    role: trigger ? "trigger" : (node.role?.kind ?? null),
  };
}

export function createRegistry(types: readonly NodeType[]): NodeRegistry {
  const byType = new Map<string, NodeType>();
  for (const node of types) {
    if (byType.has(node.type))
      throw new Error(`node type "${node.type}" is registered twice`);
    byType.set(node.type, node);
  }
  const descriptors = new Map<string, NodeDescriptor>();
  const descriptorOf = (node: NodeType): NodeDescriptor => {
    let descriptor = descriptors.get(node.type);
    if (!descriptor) {
      descriptor = describe(node);
      descriptors.set(node.type, descriptor);
    }
    return descriptor;
  };
  return {
    get: (type) => byType.get(type),
    listNodeTypes: () => [...byType.values()].map(descriptorOf),
    describe: (type) => {
      const node = byType.get(type);
      return node && descriptorOf(node);
    },
  };
}

/** The built-in types, plus any extra ones (custom nodes, test doubles). */
export function createDefaultRegistry(
  extra: readonly NodeType[] = [],
): NodeRegistry {
  return createRegistry([...builtInNodeTypes, ...extra]);
}

let shared: NodeRegistry | undefined;
export function defaultRegistry(): NodeRegistry {
  shared ??= createDefaultRegistry();
  return shared;
}
