import type { WorkflowNode } from "../definition/schema";
import {
  checkConfigExpressions,
  compilePathPatterns,
  containsTemplates,
} from "../expressions/template";
import { toJson, type JsonObject } from "../json";
import { ERROR_HANDLE, type HandleSpec, type NodeType } from "../nodes/types";
import type { ProblemList } from "./problems";

export interface CheckedNode {
  node: WorkflowNode;
  index: number;
  type: NodeType | undefined;
  /** Parsed config, or null when the type is unknown or the config is invalid. */
  config: JsonObject | null;
  hasTemplates: boolean;
  /** Output handle ids, or null when they cannot be known (unknown type, invalid dynamic config). */
  outputs: string[] | null;
  inputs: string[] | null;
}

export function checkNode(
  node: WorkflowNode,
  index: number,
  type: NodeType | undefined,
  problems: ProblemList,
): CheckedNode {
  const checked: CheckedNode = {
    node,
    index,
    type,
    config: null,
    hasTemplates: false,
    outputs: null,
    inputs: null,
  };
  if (!type) {
    problems.error("unknown_node_type", `unknown node type "${node.type}"`, {
      nodeId: node.id,
      path: ["type"],
    });
    return checked;
  }
  checked.inputs = type.inputs.map((h) => h.id);
  const parsed = type.configSchema.safeParse(node.config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.error("invalid_config", issue.message, {
        nodeId: node.id,
        path: issue.path.map((p) => (typeof p === "number" ? p : String(p))),
      });
    }
  } else {
    checked.config = toJson(parsed.data) as JsonObject;
  }
  const raw = compilePathPatterns(type.expressionFields);
  for (const problem of checkConfigExpressions(node.config, raw)) {
    problems.error("invalid_expression", problem.message, {
      nodeId: node.id,
      path: problem.path,
    });
  }
  if (checked.config)
    checked.hasTemplates = containsTemplates(checked.config, raw);

  let outputs: readonly HandleSpec[] | null = type.outputs;
  if (type.outputsFor)
    outputs = parsed.success ? type.outputsFor(parsed.data) : null;
  if (outputs) {
    checked.outputs = outputs.map((h) => h.id);
    if (type.category !== "trigger") checked.outputs.push(ERROR_HANDLE);
  }
  return checked;
}

/** The handle an edge leaves from; null (with a problem) when it is not one of the node's outputs. */
export function resolveSourceHandle(
  checked: CheckedNode,
  handle: string | null | undefined,
  edgeId: string,
  problems: ProblemList,
): string | null {
  if (!checked.outputs) return handle ?? null;
  const named = checked.outputs.filter((h) => h !== ERROR_HANDLE);
  if (handle == null) {
    if (named.length === 1) return named[0] as string;
    problems.error(
      "unknown_handle",
      `"${checked.node.id}" has several outputs (${named.join(", ")}); the edge must name one`,
      {
        edgeId,
        nodeId: checked.node.id,
        path: ["sourceHandle"],
      },
    );
    return null;
  }
  if (checked.outputs.includes(handle)) return handle;
  problems.error(
    "unknown_handle",
    `"${checked.node.id}" has no output "${handle}" (it has ${checked.outputs.join(", ") || "none"})`,
    {
      edgeId,
      nodeId: checked.node.id,
      path: ["sourceHandle"],
    },
  );
  return null;
}

export function resolveTargetHandle(
  checked: CheckedNode,
  handle: string | null | undefined,
  edgeId: string,
  problems: ProblemList,
): string | null {
  if (!checked.inputs) return handle ?? null;
  const resolved = handle ?? checked.inputs[0];
  if (resolved !== undefined && checked.inputs.includes(resolved))
    return resolved;
  const message =
    checked.inputs.length === 0
      ? `"${checked.node.id}" is a trigger and takes no input`
      : `"${checked.node.id}" has no input "${handle}"`;
  problems.error("unknown_handle", message, {
    edgeId,
    nodeId: checked.node.id,
    path: ["targetHandle"],
  });
  return null;
}
