import type { ScheduleInfo, WorkflowNode } from "./types";

const str = (value: unknown) => (typeof value === "string" ? value : "");

function shorten(text: string, max = 48): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "1.5 s", "2 min", "3 h", "2 d". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1_000, "s"],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) {
      const value = ms / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${ms} ms`;
}

const timeFormat = (timezone: string) => {
  try {
    return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: timezone });
  } catch {
    return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  }
};

/** A schedule slot in the schedule's own time zone. */
export function formatSlot(iso: string, timezone: string): string {
  return timeFormat(timezone).format(new Date(iso));
}

/** The one line a node card shows under its name: what this node is set to do. */
export function nodeSummary(node: WorkflowNode, schedule: ScheduleInfo | undefined): string {
  const c = node.config;
  switch (node.type) {
    case "trigger.manual": {
      const schema = c.inputSchema;
      const fields = schema && typeof schema === "object" && !Array.isArray(schema) && schema.properties && typeof schema.properties === "object" ? Object.keys(schema.properties).length : 0;
      return fields > 0 ? `Input: ${fields} field${fields === 1 ? "" : "s"}` : "Run from the app or the API";
    }
    case "trigger.webhook":
      return `${str(c.method) || "POST"} /api/hooks/…`;
    case "trigger.schedule": {
      if (!str(c.cron)) return "Set a cron pattern";
      if (schedule?.ok && schedule.times[0]) return `Next: ${formatSlot(schedule.times[0], schedule.timezone)}`;
      return str(c.cron);
    }
    case "http.request":
      return str(c.url) ? `${str(c.method) || "GET"} ${shorten(str(c.url), 40)}` : "Set a URL";
    case "transform":
    case "condition":
      return str(c.expression) ? shorten(str(c.expression)) : "Write an expression";
    case "switch": {
      const cases = Array.isArray(c.cases) ? c.cases.length : 0;
      return `${cases} case${cases === 1 ? "" : "s"} + default`;
    }
    case "loop.splitter":
      return str(c.items) ? `Each of ${shorten(str(c.items), 36)}` : "Choose the items";
    case "loop.collector":
      return "Gathers each item's result";
    case "delay":
      return typeof c.durationMs === "number" ? `Wait ${formatDuration(c.durationMs)}` : str(c.until) ? `Until ${shorten(str(c.until), 36)}` : "Set a duration";
    case "wait.event":
      return str(c.event) ? `Event ${shorten(str(c.event), 36)}` : "Name the event";
    case "approval":
      return shorten(str(c.title) || "Approval required");
    case "workflow.invoke":
      return str(c.workflowId) ? `Runs ${shorten(str(c.workflowId), 30)}` : "Choose a workflow";
    default:
      return "";
  }
}
