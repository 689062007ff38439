import { at, type WorkflowTemplate } from "./template";

export const scheduledHealthCheck: WorkflowTemplate = {
  id: "scheduled-health-check",
  name: "Health check every five minutes",
  description: "Calls a URL on a schedule and posts an alert to a chat webhook when it does not answer 2xx.",
  category: "monitoring",
  secrets: [],
  definition: {
    schemaVersion: 1,
    nodes: [
      { id: "schedule", type: "trigger.schedule", name: "Every five minutes", position: at(0), config: { cron: "*/5 * * * *", timezone: "UTC" } },
      {
        id: "check",
        type: "http.request",
        name: "Call the health endpoint",
        position: at(1),
        // A failing service is what we look for, so a 5xx is an answer, not an error.
        config: { method: "GET", url: "https://status.example.com/health", failOnNon2xx: false, timeoutMs: 10_000 },
        retry: { maxAttempts: 2 },
      },
      {
        id: "healthy",
        type: "condition",
        name: "Answered 2xx?",
        position: at(2),
        config: { expression: "nodes.check.output.status >= 200 and nodes.check.output.status < 300" },
      },
      {
        id: "alert",
        type: "http.request",
        name: "Post an alert",
        position: at(3, 1),
        config: {
          method: "POST",
          url: "https://hooks.example.com/alerts",
          body: { type: "json", value: { text: "Health check failed: {{ nodes.check.output.url }} answered {{ nodes.check.output.status }}" } },
        },
      },
    ],
    edges: [
      { id: "schedule-check", source: "schedule", target: "check" },
      { id: "check-healthy", source: "check", target: "healthy" },
      { id: "healthy-alert", source: "healthy", sourceHandle: "false", target: "alert" },
    ],
  },
};
