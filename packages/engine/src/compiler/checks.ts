import type { z } from "zod";
import type { WorkflowDefinition } from "../definition/schema";
import { ERROR_HANDLE } from "../nodes/types";
import {
  resolveSourceHandle,
  resolveTargetHandle,
  type CheckedNode,
} from "./config";
import type { Problem, ProblemList } from "./problems";

export interface GraphEdge {
  id: string;
  index: number;
  source: string;
  target: string;
  sourceHandle: string | null;
  targetHandle: string | null;
}

export function definitionProblems(
  error: z.ZodError,
  input: unknown,
): Problem[] {
  const rawNodes = (input as { nodes?: unknown } | null)?.nodes;
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    const problem: Problem = {
      severity: "error",
      code: "invalid_definition",
      message: issue.message,
      path,
    };
    if (
      path[0] === "nodes" &&
      typeof path[1] === "number" &&
      Array.isArray(rawNodes)
    ) {
      const id = (rawNodes[path[1]] as { id?: unknown } | undefined)?.id;
      if (typeof id === "string") problem.nodeId = id;
    }
    return problem;
  });
}

export function checkEdges(
  definition: WorkflowDefinition,
  nodes: Map<string, CheckedNode>,
  problems: ProblemList,
): GraphEdge[] {
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  definition.edges.forEach((edge, index) => {
    if (seen.has(edge.id)) {
      problems.error(
        "duplicate_edge_id",
        `edge id "${edge.id}" is used more than once`,
        { edgeId: edge.id, path: ["id"] },
      );
      return;
    }
    seen.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source)
      problems.error(
        "dangling_edge",
        `edge "${edge.id}" starts at missing node "${edge.source}"`,
        { edgeId: edge.id, path: ["source"] },
      );
    if (!target)
      problems.error(
        "dangling_edge",
        `edge "${edge.id}" ends at missing node "${edge.target}"`,
        { edgeId: edge.id, path: ["target"] },
      );
    if (!source || !target) return;
    edges.push({
      id: edge.id,
      index,
      source: edge.source,
      target: edge.target,
      sourceHandle: resolveSourceHandle(
        source,
        edge.sourceHandle,
        edge.id,
        problems,
      ),
      targetHandle: resolveTargetHandle(
        target,
        edge.targetHandle,
        edge.id,
        problems,
      ),
    });
  });
  return edges;
}

export function checkTriggers(
  nodes: Map<string, CheckedNode>,
  problems: ProblemList,
): string | null {
  const triggers = [...nodes.values()].filter(
    (n) => n.type?.category === "trigger",
  );
  if (triggers.length === 0) {
    problems.error("missing_trigger", "the workflow needs a trigger node");
    return null;
  }
  for (const extra of triggers.slice(1)) {
    problems.error(
      "multiple_triggers",
      `only one trigger is allowed; "${triggers[0]?.node.id}" is already the trigger`,
      { nodeId: extra.node.id },
    );
  }
  return triggers[0]?.node.id ?? null;
}

export function checkCompensations(
  nodes: Map<string, CheckedNode>,
  edges: GraphEdge[],
  problems: ProblemList,
): Set<string> {
  const compensators = new Set<string>();
  const connected = new Set<string>(edges.flatMap((e) => [e.source, e.target]));
  for (const { node } of nodes.values()) {
    const target = node.compensation;
    if (target === undefined) continue;
    const where = { nodeId: node.id, path: ["compensation"] };
    const compensator = nodes.get(target);
    if (!compensator) {
      problems.error(
        "invalid_compensation",
        `compensation node "${target}" does not exist`,
        where,
      );
    } else if (target === node.id) {
      problems.error(
        "invalid_compensation",
        "a node cannot compensate itself",
        where,
      );
    } else {
      compensators.add(target);
    }
  }
  for (const id of compensators) {
    const checked = nodes.get(id) as CheckedNode;
    const reason = connected.has(id)
      ? "it has edges (compensation nodes stand alone)"
      : checked.type?.category === "trigger"
        ? "it is a trigger"
        : checked.type?.role
          ? `it is a ${checked.type.role.kind}`
          : checked.node.compensation !== undefined
            ? "it names a compensation itself"
            : null;
    if (reason)
      problems.error(
        "invalid_compensation",
        `"${id}" cannot be a compensation node: ${reason}`,
        { nodeId: id },
      );
  }
  return compensators;
}

export function warnUnusedErrorHandles(
  nodes: Map<string, CheckedNode>,
  edges: GraphEdge[],
  problems: ProblemList,
): void {
  for (const edge of edges) {
    if (edge.sourceHandle !== ERROR_HANDLE) continue;
    if (nodes.get(edge.source)?.node.continueOnFail) continue;
    problems.warning(
      "unused_error_handle",
      `edge "${edge.id}" leaves the error handle of "${edge.source}", which only fires with continueOnFail`,
      {
        edgeId: edge.id,
        nodeId: edge.source,
      },
    );
  }
}
