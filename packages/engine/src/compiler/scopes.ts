import { ERROR_HANDLE } from "../nodes/types";
import type { NodeRole } from "./plan";
import type { ProblemList } from "./problems";

export interface ScopeInfo {
  /** The splitters enclosing each node, outermost first. */
  scope: Map<string, string[]>;
  /** Collector -> the splitter it closes. */
  closes: Map<string, string>;
}

interface ScopedEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: string | null;
}

/**
 * Walks the graph in topological order: a splitter's `item` edges open a
 * scope, a collector closes the innermost one. Every edge into a node must
 * arrive from the same scope, otherwise the node would run both once and once
 * per item.
 */
export function assignScopes(
  order: readonly string[],
  edges: readonly ScopedEdge[],
  roles: Map<string, NodeRole>,
  problems: ProblemList,
): ScopeInfo {
  const incoming = new Map<string, ScopedEdge[]>();
  for (const edge of edges) {
    const list = incoming.get(edge.target);
    if (list) list.push(edge);
    else incoming.set(edge.target, [edge]);
  }
  const scope = new Map<string, string[]>();
  const closes = new Map<string, string>();
  for (const id of order) {
    const arriving = (incoming.get(id) ?? []).map((edge) => {
      const base = scope.get(edge.source) ?? [];
      return roles.get(edge.source) === "splitter" &&
        edge.sourceHandle !== ERROR_HANDLE
        ? [...base, edge.source]
        : base;
    });
    const [first = []] = arriving;
    const key = first.join("/");
    if (arriving.some((s) => s.join("/") !== key)) {
      problems.error(
        "scope_mismatch",
        `"${id}" is reached both from inside and outside a for-each branch; route the branch through its collector`,
        {
          nodeId: id,
        },
      );
    }
    if (roles.get(id) === "collector") {
      const splitter = first[first.length - 1];
      if (splitter === undefined) {
        problems.error(
          "collector_without_splitter",
          `collector "${id}" has no for-each splitter upstream`,
          { nodeId: id },
        );
        scope.set(id, []);
      } else {
        closes.set(id, splitter);
        scope.set(id, first.slice(0, -1));
      }
    } else {
      scope.set(id, first);
    }
  }
  return { scope, closes };
}
