import type {
  HandleSpec,
  Json,
  JsonObject,
  NodeDescriptor,
  Problem,
  WorkflowDefinition,
  WorkflowEdge,
  WorkflowNode,
} from "@trellis/engine";

// Types only: the engine's runtime pulls Node built-ins (the HTTP node's
// client, the SSRF guard), so the browser never imports its values.
export type { HandleSpec, Json, JsonObject, NodeDescriptor, Problem, WorkflowDefinition, WorkflowEdge, WorkflowNode };

/** Node descriptors by type, as `nodeType.list` answers them. */
export type Descriptors = ReadonlyMap<string, NodeDescriptor>;

export interface XY {
  x: number;
  y: number;
}

/** A new edge as the canvas or the side panel asks for it. */
export interface ConnectionRequest {
  source: string;
  sourceHandle: string | null;
  target: string;
  targetHandle: string | null;
}

/** What a compiled draft says besides problems: upcoming slots of schedule triggers. */
export type ScheduleInfo = { ok: true; times: string[]; timezone: string } | { ok: false; message: string };

/** How a node or edge differs between a version and the draft (see diff.ts). */
export type DiffStatus = "added" | "removed" | "changed";

/** The input handle every non-trigger node has. */
export const DEFAULT_INPUT = "in";
/** The output taken when a node fails with continueOnFail set. */
export const ERROR_HANDLE = "error";
