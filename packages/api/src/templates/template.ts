import type { WorkflowDefinitionInput } from "@trellis/engine";

/** A built-in starting point: a complete definition that compiles and runs once its URLs and secrets are filled in. */
export interface WorkflowTemplate {
  /** Stable, URL-safe: clients and the REST API name templates by it. */
  id: string;
  name: string;
  description: string;
  category: "integration" | "monitoring" | "approval" | "data" | "events";
  /** Secrets the definition refers to as `{{ secrets.NAME }}`; create them before the first run. */
  secrets: string[];
  definition: WorkflowDefinitionInput;
}

/** Canvas coordinates on a grid, so templates open laid out left to right. */
export const at = (column: number, row = 0) => ({ x: column * 280, y: row * 160 });
