import { DEFAULT_INPUT, ERROR_HANDLE, type ConnectionRequest, type Descriptors, type HandleSpec, type NodeDescriptor, type WorkflowDefinition, type WorkflowNode } from "./types";

/**
 * The output handles a node shows: its type's outputs (for types with
 * dynamic outputs, one per case of its config, then the static ones), and
 * `error` when the node continues on failure or an edge already leaves it.
 */
export function outputsOf(node: WorkflowNode, descriptor: NodeDescriptor | undefined, usesErrorHandle = false): HandleSpec[] {
  if (!descriptor) return [{ id: "out", label: "Out" }];
  const outputs: HandleSpec[] = [];
  if (descriptor.handles.dynamicOutputs) {
    const cases = node.config.cases;
    if (Array.isArray(cases)) {
      const seen = new Set<string>();
      for (const item of cases) {
        if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
        const id = typeof item.id === "string" ? item.id.trim() : "";
        if (!id || seen.has(id)) continue;
        seen.add(id);
        outputs.push({ id, label: typeof item.label === "string" && item.label.trim() ? item.label : id });
      }
    }
  }
  for (const handle of descriptor.handles.outputs) if (!outputs.some((h) => h.id === handle.id)) outputs.push(handle);
  const error = descriptor.handles.error;
  if (error && (node.continueOnFail || usesErrorHandle)) outputs.push(error);
  return outputs;
}

/** Input handles; triggers have none. */
export function inputsOf(descriptor: NodeDescriptor | undefined): HandleSpec[] {
  if (!descriptor) return [{ id: DEFAULT_INPUT, label: "In" }];
  return descriptor.handles.inputs;
}

/** Whether `to` can be reached from `from` along edges. */
export function reaches(definition: WorkflowDefinition, from: string, to: string): boolean {
  if (from === to) return true;
  const next = new Map<string, string[]>();
  for (const edge of definition.edges) {
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const target of next.get(id) ?? []) {
      if (target === to) return true;
      if (!seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return false;
}

export type ConnectionVerdict = { ok: true; connection: ConnectionRequest } | { ok: false; reason: string };

/**
 * Whether an edge may be drawn, and why not: the hint the canvas shows when
 * it refuses one. Handles default as the engine defaults them (the only
 * output, and `in`).
 */
export function checkConnection(definition: WorkflowDefinition, descriptors: Descriptors, request: ConnectionRequest): ConnectionVerdict {
  const source = definition.nodes.find((n) => n.id === request.source);
  const target = definition.nodes.find((n) => n.id === request.target);
  if (!source || !target) return { ok: false, reason: "Drop the connection on another node's input handle." };
  if (source.id === target.id) return { ok: false, reason: "A node cannot connect to itself." };
  const targetType = descriptors.get(target.type);
  const inputs = inputsOf(targetType);
  if (inputs.length === 0) {
    return { ok: false, reason: `${target.name ?? target.id} is a trigger: triggers start a workflow and take no input.` };
  }
  const targetHandle = request.targetHandle ?? inputs[0]?.id ?? DEFAULT_INPUT;
  if (!inputs.some((h) => h.id === targetHandle)) {
    return { ok: false, reason: "Connect an output (right side of a node) to an input (left side)." };
  }
  const usesError = request.sourceHandle === ERROR_HANDLE;
  const outputs = outputsOf(source, descriptors.get(source.type), usesError);
  const named = outputs.filter((h) => h.id !== ERROR_HANDLE);
  const sourceHandle = request.sourceHandle ?? (named.length === 1 ? (named[0]?.id ?? null) : null);
  if (!sourceHandle || !outputs.some((h) => h.id === sourceHandle)) {
    return { ok: false, reason: "Start the connection from one of the node's outputs (right side)." };
  }
  const duplicate = definition.edges.some(
    (e) =>
      e.source === source.id &&
      e.target === target.id &&
      (e.sourceHandle ?? sourceHandle) === sourceHandle &&
      (e.targetHandle ?? DEFAULT_INPUT) === targetHandle,
  );
  if (duplicate) return { ok: false, reason: "These two handles are already connected." };
  if (reaches(definition, target.id, source.id)) {
    return { ok: false, reason: "That would make a loop. To repeat work over items, use a For each node." };
  }
  return { ok: true, connection: { source: source.id, sourceHandle, target: target.id, targetHandle } };
}
