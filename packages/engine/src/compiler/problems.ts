export type ProblemCode =
  | "invalid_definition"
  | "duplicate_node_id"
  | "duplicate_edge_id"
  | "unknown_node_type"
  | "invalid_config"
  | "invalid_expression"
  | "missing_trigger"
  | "multiple_triggers"
  | "dangling_edge"
  | "unknown_handle"
  | "cycle"
  | "unreachable_node"
  | "collector_without_splitter"
  | "scope_mismatch"
  | "invalid_compensation"
  | "unused_error_handle";

/** Something the editor shows on a node or an edge. `path` points into the node's config (or the edge). */
export interface Problem {
  severity: "error" | "warning";
  code: ProblemCode;
  message: string;
  nodeId?: string;
  edgeId?: string;
  path?: (string | number)[];
}

export class ProblemList {
  readonly items: Problem[] = [];

  error(
    code: ProblemCode,
    message: string,
    where: Omit<Problem, "severity" | "code" | "message"> = {},
  ): void {
    this.items.push({ severity: "error", code, message, ...where });
  }

  warning(
    code: ProblemCode,
    message: string,
    where: Omit<Problem, "severity" | "code" | "message"> = {},
  ): void {
    this.items.push({ severity: "warning", code, message, ...where });
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === "error");
  }
}
