import type { WorkflowDefinitionInput } from "@trellis/engine";
import type { callerFor } from "./callers";

type Caller = ReturnType<typeof callerFor>;

/** Checked as a definition where it is written, so a mistake points at its line. */
const def = (definition: WorkflowDefinitionInput) => definition;
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

/** Workflow definitions whose runs do something a test can observe, with real node types only. */
export const runDefinitions = {
  /** Greets `trigger.name`, which the input schema requires. */
  greeting: def({
    schemaVersion: 1,
    nodes: [
      { id: "trigger", type: "trigger.manual", config: { inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } } },
      { id: "greet", type: "transform", config: { expression: "'hello ' & trigger.name" } },
      { id: "shout", type: "transform", config: { expression: "$uppercase(nodes.greet.output)" } },
    ],
    edges: [edge("trigger", "greet"), edge("greet", "shout")],
  }),
  /** Fails at `explode` (no retries): dead-lettered. */
  failing: def({
    schemaVersion: 1,
    nodes: [
      { id: "trigger", type: "trigger.manual" },
      { id: "prepare", type: "transform", config: { expression: "{ 'n': 41 }" } },
      { id: "explode", type: "transform", retry: { maxAttempts: 1 }, config: { expression: '$error("boom")' } },
    ],
    edges: [edge("trigger", "prepare"), edge("prepare", "explode")],
  }),
  /** Sleeps an hour: parked `sleeping`, so cancel and pause apply at once. */
  sleeper: def({
    schemaVersion: 1,
    nodes: [
      { id: "trigger", type: "trigger.manual" },
      { id: "nap", type: "delay", config: { durationMs: 3_600_000 } },
      { id: "after", type: "transform", config: { expression: "'woke up'" } },
    ],
    edges: [edge("trigger", "nap"), edge("nap", "after")],
  }),
  /** Waits for `payment.received` matching the input's orderId. */
  payment: def({
    schemaVersion: 1,
    nodes: [
      { id: "trigger", type: "trigger.manual" },
      { id: "paid", type: "wait.event", config: { event: "payment.received", match: { orderId: "{{ trigger.orderId }}" }, timeoutMs: 3_600_000 } },
      { id: "confirm", type: "transform", config: { expression: "'confirmed ' & nodes.paid.output.payload.amount" } },
    ],
    edges: [edge("trigger", "paid"), edge("paid", "confirm", "out")],
  }),
  /** An approval (by `approvers`, anyone when empty) leading to `yes` or `no`. */
  approval: (approvers: string[] = []) =>
    def({
      schemaVersion: 1,
      nodes: [
        { id: "trigger", type: "trigger.manual" },
        { id: "review", type: "approval", config: { title: "Pay out?", approvers } },
        { id: "yes", type: "transform", config: { expression: "'paid'" } },
        { id: "no", type: "transform", config: { expression: "'refused'" } },
      ],
      edges: [edge("trigger", "review"), edge("review", "yes", "approved"), edge("review", "no", "rejected")],
    }),
};

/** Creates a workflow with `definition` and publishes it, as `caller`. */
export async function publishedWorkflow(caller: Caller, workspaceId: string, definition: WorkflowDefinitionInput, name = "Runs under test") {
  const workflow = await caller.workflow.create({ workspaceId, name, definition: definition as never });
  const version = await caller.workflowVersion.publish({ workspaceId, workflowId: workflow.id, message: "v1" });
  return { workflowId: workflow.id, versionId: version.id };
}
