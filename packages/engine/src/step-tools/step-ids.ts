/**
 * The one place step ids are built and parsed (documented in the package README).
 * Drivers memoise by these strings, so changing them breaks replay of runs in flight.
 *
 *   <nodeId>                 first attempt
 *   <nodeId>[i][j]           inside splitters (one index per enclosing splitter)
 *   <base>#<n>               attempt n >= 2
 *   <base>#<n>:backoff       the back-off sleep before attempt n
 *   <attempt>:sleep|wait|invoke   the durable part of delay / wait.event / approval / workflow.invoke
 *   <compNodeId>@<base>      compensation of the completed step <base>
 */
export type StepKind = "run" | "backoff" | "sleep" | "wait" | "invoke";

export function baseStepId(nodeId: string, indices: readonly number[]): string {
  let id = nodeId;
  for (const index of indices) id += `[${index}]`;
  return id;
}

export function attemptStepId(base: string, attempt: number): string {
  return attempt === 1 ? base : `${base}#${attempt}`;
}

export function backoffStepId(base: string, nextAttempt: number): string {
  return `${base}#${nextAttempt}:backoff`;
}

export function durableStepId(
  attemptId: string,
  kind: "sleep" | "wait" | "invoke",
): string {
  return `${attemptId}:${kind}`;
}

export function compensationStepId(
  compensationNodeId: string,
  forStepId: string,
): string {
  return `${compensationNodeId}@${forStepId}`;
}

/** Event an approval step waits for; its payload is `{ runId, decision, by?, comment? }`. */
export function approvalEventName(baseId: string): string {
  return `approval:${baseId}`;
}

export interface ParsedStepId {
  nodeId: string;
  indices: number[];
  attempt: number;
  kind: StepKind;
  /** Set on compensation steps: the base step id being compensated. */
  compensates: string | null;
}

const STEP_ID =
  /^([A-Za-z0-9_-]+)((?:\[\d+\])*)(?:@([A-Za-z0-9_-]+(?:\[\d+\])*))?(?:#(\d+))?(?::(backoff|sleep|wait|invoke))?$/;

/** Lets a driver that only sees `run(stepId)` record the node id and attempt of a journal row. */
export function parseStepId(stepId: string): ParsedStepId | null {
  const match = STEP_ID.exec(stepId);
  if (!match) return null;
  const [, nodeId = "", indexText = "", compensates, attemptText, kind] = match;
  const indices = [...indexText.matchAll(/\[(\d+)\]/g)].map((m) =>
    Number(m[1]),
  );
  return {
    nodeId,
    indices,
    attempt: attemptText === undefined ? 1 : Number(attemptText),
    kind: (kind as StepKind | undefined) ?? "run",
    compensates: compensates ?? null,
  };
}
