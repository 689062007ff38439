import { at, type WorkflowTemplate } from "./template";

export const webhookToApi: WorkflowTemplate = {
  id: "webhook-to-api",
  name: "Forward webhooks to an API",
  description: "Receives a webhook, reshapes its body and posts it to your API with a bearer token.",
  category: "integration",
  secrets: ["API_TOKEN"],
  definition: {
    schemaVersion: 1,
    nodes: [
      { id: "webhook", type: "trigger.webhook", name: "Incoming webhook", position: at(0), config: { method: "POST" } },
      {
        id: "shape",
        type: "transform",
        name: "Reshape the payload",
        position: at(1),
        config: { expression: '{ "type": trigger.body.type, "receivedAt": run.startedAt, "data": trigger.body }' },
      },
      {
        id: "forward",
        type: "http.request",
        name: "Post to the API",
        position: at(2),
        config: {
          method: "POST",
          url: "https://api.example.com/events",
          headers: { authorization: "Bearer {{ secrets.API_TOKEN }}" },
          body: { type: "json", value: "{{ nodes.shape.output }}" },
        },
        retry: { maxAttempts: 5 },
      },
    ],
    edges: [
      { id: "webhook-shape", source: "webhook", target: "shape" },
      { id: "shape-forward", source: "shape", target: "forward" },
    ],
  },
};
