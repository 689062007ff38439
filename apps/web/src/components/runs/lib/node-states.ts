import type { RunDetail, RunStatus } from "./run-format";

/** What a node did in a run, as the canvas colours it. */
export type NodeRunState = "queued" | "running" | "waiting" | "succeeded" | "failed" | "skipped" | "cancelled" | "not-run";

export const nodeStateLabel: Record<NodeRunState, string> = {
  queued: "Queued",
  running: "Running",
  waiting: "Waiting",
  succeeded: "Succeeded",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Stopped",
  "not-run": "Not run",
};

/** A run timeline entry (what the `run.events` subscription streams). */
export interface RunEventLike {
  id: number;
  type: string;
  nodeId: string | null;
  stepId: string | null;
  data: unknown;
  createdAt: Date;
}

export type JournalStep = RunDetail["steps"][number];

/** A node's state in a run, with what the canvas and the timeline show about it. */
export interface NodeRun {
  state: NodeRunState;
  /** The highest attempt seen (1 when the node ran once). */
  attempts: number;
  /** When the node first started, and when it last finished (null while it runs). */
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The node's own time: its last attempt's duration, or first start to last finish for a node run per item. */
  durationMs: number | null;
  /** Answered from the journal of the run this one retries (not run again). */
  reused: boolean;
  /** The node failed but will be tried again. */
  retrying: boolean;
}

/** A step id's parts (mirrors the engine's step-ids.ts, which the browser does not import). */
export function parseStep(stepId: string): { base: string; attempt: number; kind: "run" | "backoff" | "sleep" | "wait" | "invoke" } {
  const match = /^(.*?)(?:#(\d+))?(?::(backoff|sleep|wait|invoke))?$/.exec(stepId);
  return {
    base: match?.[1] ?? stepId,
    attempt: match?.[2] ? Number(match[2]) : 1,
    kind: (match?.[3] as "backoff" | "sleep" | "wait" | "invoke" | undefined) ?? "run",
  };
}

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

type BaseState = { state: NodeRunState; retrying: boolean; durationMs: number | null; attempt: number };

function aggregate(states: BaseState[]): NodeRunState {
  const all = states.map((s) => s.state);
  if (all.includes("running")) return "running";
  if (all.includes("waiting")) return "waiting";
  if (all.includes("failed")) return "failed";
  if (all.includes("succeeded")) return "succeeded";
  if (all.includes("cancelled")) return "cancelled";
  return "skipped";
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(["queued", "running", "sleeping", "waiting", "paused"]);

/**
 * Each node's state in a run. The timeline (events) is the live source: it
 * says when a node starts, waits, retries, is skipped. Nodes without any
 * timeline entry but with journal rows were reused from the run this one
 * retries; nodes with neither are queued while the run goes on and "not run"
 * once it ended. A node still running when the run ended was stopped.
 */
export function deriveNodeRuns(nodeIds: readonly string[], run: { status: RunStatus }, events: readonly RunEventLike[], steps: readonly JournalStep[]): Map<string, NodeRun> {
  const perNode = new Map<string, Map<string, BaseState & { startedAt: Date | null; finishedAt: Date | null }>>();
  for (const event of events) {
    if (!event.nodeId || !event.type.startsWith("node.") || event.type === "node.log") continue;
    const data = record(event.data);
    if (data.compensates !== undefined) continue;
    const { base, attempt } = parseStep(event.stepId ?? event.nodeId);
    let bases = perNode.get(event.nodeId);
    if (!bases) perNode.set(event.nodeId, (bases = new Map()));
    const current = bases.get(base) ?? { state: "queued" as NodeRunState, retrying: false, durationMs: null, attempt: 0, startedAt: null, finishedAt: null };
    const eventAttempt = typeof data.attempt === "number" ? data.attempt : attempt;
    if (eventAttempt < current.attempt) continue;
    current.attempt = Math.max(current.attempt, eventAttempt);
    const duration = typeof data.durationMs === "number" ? data.durationMs : null;
    switch (event.type) {
      case "node.started":
        current.state = "running";
        current.retrying = false;
        current.startedAt ??= event.createdAt;
        current.finishedAt = null;
        break;
      case "node.completed":
        current.state = "succeeded";
        current.retrying = false;
        current.durationMs = duration;
        current.finishedAt = event.createdAt;
        break;
      case "node.failed":
        current.durationMs = duration;
        if (data.willRetry === true) {
          current.state = "running";
          current.retrying = true;
        } else {
          current.state = "failed";
          current.retrying = false;
          current.finishedAt = event.createdAt;
        }
        break;
      case "node.retrying":
        current.state = "running";
        current.retrying = true;
        break;
      case "node.waiting":
        current.state = "waiting";
        break;
      case "node.skipped":
        current.state = "skipped";
        current.finishedAt = event.createdAt;
        break;
      default:
        continue;
    }
    bases.set(base, current);
  }

  const journal = new Map<string, JournalStep[]>();
  for (const step of steps) {
    if (!step.nodeId || parseStep(step.stepId).kind !== "run") continue;
    const list = journal.get(step.nodeId);
    if (list) list.push(step);
    else journal.set(step.nodeId, [step]);
  }

  const active = ACTIVE.has(run.status);
  const result = new Map<string, NodeRun>();
  for (const nodeId of nodeIds) {
    const bases = perNode.get(nodeId);
    if (bases && bases.size > 0) {
      const list = [...bases.values()];
      let state = aggregate(list);
      if (!active && (state === "running" || state === "waiting")) state = "cancelled";
      const startedAt = list.reduce<Date | null>((first, s) => (s.startedAt && (!first || s.startedAt < first) ? s.startedAt : first), null);
      const finished = list.every((s) => s.finishedAt !== null);
      const finishedAt = finished ? list.reduce<Date | null>((last, s) => (s.finishedAt && (!last || s.finishedAt > last) ? s.finishedAt : last), null) : null;
      const single = list.length === 1 ? list[0] : undefined;
      const durationMs =
        single && single.durationMs !== null && single.state !== "running"
          ? single.durationMs
          : startedAt && finishedAt
            ? finishedAt.getTime() - startedAt.getTime()
            : null;
      result.set(nodeId, {
        state,
        attempts: Math.max(1, ...list.map((s) => s.attempt)),
        startedAt,
        finishedAt,
        durationMs,
        reused: false,
        retrying: state === "running" && list.some((s) => s.retrying),
      });
      continue;
    }
    const rows = journal.get(nodeId);
    if (rows && rows.length > 0) {
      const last = rows.reduce((a, b) => (b.attempt >= a.attempt ? b : a));
      const state: NodeRunState = last.status === "running" || last.status === "waiting" ? (active ? last.status : "cancelled") : last.status;
      result.set(nodeId, {
        state,
        attempts: last.attempt,
        startedAt: rows[0]?.startedAt ?? null,
        finishedAt: last.finishedAt,
        durationMs: last.durationMs,
        reused: true,
        retrying: false,
      });
      continue;
    }
    result.set(nodeId, { state: active ? "queued" : "not-run", attempts: 0, startedAt: null, finishedAt: null, durationMs: null, reused: false, retrying: false });
  }
  return result;
}

/** A journal row's payload: node attempts are stored as an envelope `{ ok, output | error, startedAt, durationMs }`. */
export function stepPayload(step: JournalStep): { output: unknown; error: unknown; hasOutput: boolean } {
  const envelope = record(step.output);
  if (typeof envelope.ok === "boolean") {
    return envelope.ok ? { output: envelope.output ?? null, error: null, hasOutput: true } : { output: null, error: envelope.error ?? step.error, hasOutput: false };
  }
  return { output: step.output, error: step.error, hasOutput: step.status === "succeeded" };
}

/** The output a node passed on: its last successful attempt's output (per item for a node inside a loop). */
export function nodeOutput(nodeId: string, steps: readonly JournalStep[]): { found: boolean; value: unknown } {
  const rows = steps.filter((s) => s.nodeId === nodeId && parseStep(s.stepId).kind === "run" && s.status === "succeeded");
  if (rows.length === 0) return { found: false, value: null };
  const byBase = new Map<string, JournalStep>();
  for (const row of rows) {
    const { base } = parseStep(row.stepId);
    const seen = byBase.get(base);
    if (!seen || row.attempt >= seen.attempt) byBase.set(base, row);
  }
  const outputs = [...byBase.values()].map((row) => stepPayload(row).output);
  return { found: true, value: outputs.length === 1 ? outputs[0] : outputs };
}
