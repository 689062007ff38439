import { defaultRegistry } from "@trellis/engine";
import type { Descriptors, WorkflowDefinition, WorkflowNode } from "./types";

/** The real built-in descriptors, as `nodeType.list` answers them (tests run in Node, where the engine may load). */
export function descriptors(): Descriptors {
  return new Map(defaultRegistry().listNodeTypes().map((d) => [d.type, d]));
}

export function node(id: string, type: string, config: WorkflowNode["config"] = {}, position = { x: 0, y: 0 }): WorkflowNode {
  return { id, type, name: id, position, config };
}

/** trigger → shape (transform) → check (condition) → big / small (transforms). */
export function orderRouter(): WorkflowDefinition {
  return {
    schemaVersion: 1,
    nodes: [
      node("trigger", "trigger.manual", { inputSchema: { type: "object", properties: { amount: { type: "number" }, customer: { type: "object", properties: { email: { type: "string" } } } } } }),
      node("shape", "transform", { expression: '{ "total": trigger.amount }' }, { x: 280, y: 0 }),
      node("check", "condition", { expression: "nodes.shape.output.total > 100" }, { x: 560, y: 0 }),
      node("big", "transform", { expression: "1" }, { x: 840, y: -80 }),
      node("small", "transform", { expression: "2" }, { x: 840, y: 80 }),
    ],
    edges: [
      { id: "e1", source: "trigger", target: "shape" },
      { id: "e2", source: "shape", target: "check" },
      { id: "e3", source: "check", sourceHandle: "true", target: "big" },
      { id: "e4", source: "check", sourceHandle: "false", target: "small" },
    ],
    settings: { retry: { maxAttempts: 3, initialDelayMs: 1000, backoffFactor: 2, maxDelayMs: 60000 }, nodeTimeoutMs: 300000, maxParallelism: 20 },
  };
}
