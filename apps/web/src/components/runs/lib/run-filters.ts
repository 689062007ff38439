import { RUN_STATUSES, TRIGGER_KINDS, type RunStatus, type TriggerKind } from "./run-format";

/** How far back the runs page looks. */
export const TIME_RANGES = [
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { id: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
] as const;
export type TimeRange = (typeof TIME_RANGES)[number]["id"];

/** The runs page's filters, as kept in the address's query string (shareable, survives a reload). */
export interface RunFilters {
  workflowId?: string;
  status?: RunStatus;
  trigger?: TriggerKind;
  range?: TimeRange;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** Reads the filters from a query string; unknown or malformed values are ignored rather than sent to the API. */
export function parseRunFilters(params: Pick<URLSearchParams, "get">): RunFilters {
  const workflowId = params.get("workflow");
  return {
    workflowId: workflowId && UUID.test(workflowId) ? workflowId : undefined,
    status: oneOf(RUN_STATUSES, params.get("status")),
    trigger: oneOf(TRIGGER_KINDS, params.get("trigger")),
    range: oneOf(
      TIME_RANGES.map((r) => r.id),
      params.get("range"),
    ),
  };
}

/** The query string for some filters (and the tab), keeping only what is set. */
export function runFiltersQuery(filters: RunFilters, tab?: "dead-letters"): string {
  const params = new URLSearchParams();
  if (tab) params.set("tab", tab);
  if (filters.workflowId) params.set("workflow", filters.workflowId);
  if (filters.status) params.set("status", filters.status);
  if (filters.trigger) params.set("trigger", filters.trigger);
  if (filters.range) params.set("range", filters.range);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** The ISO time a range starts at, counted back from `now`. */
export function createdAfter(range: TimeRange | undefined, now: number): string | undefined {
  const spec = TIME_RANGES.find((r) => r.id === range);
  return spec ? new Date(now - spec.ms).toISOString() : undefined;
}

/** Whether a run (seen live, not loaded with the page) belongs in the list the filters describe. */
export function matchesFilters(
  run: { workflowId: string; status: RunStatus; triggerKind: TriggerKind; createdAt: Date },
  filters: RunFilters,
  after: string | undefined,
): boolean {
  if (filters.workflowId && run.workflowId !== filters.workflowId) return false;
  if (filters.status && run.status !== filters.status) return false;
  if (filters.trigger && run.triggerKind !== filters.trigger) return false;
  if (after && run.createdAt.getTime() < Date.parse(after)) return false;
  return true;
}
