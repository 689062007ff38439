import { at, type WorkflowTemplate } from "./template";

export const routeByEventType: WorkflowTemplate = {
  id: "route-by-event-type",
  name: "Route events by type",
  description: "Sends orders and refunds from one webhook to different services and ignores every other event.",
  category: "integration",
  secrets: [],
  definition: {
    schemaVersion: 1,
    nodes: [
      { id: "webhook", type: "trigger.webhook", name: "Incoming event", position: at(0), config: { method: "POST" } },
      {
        id: "route",
        type: "switch",
        name: "By type",
        position: at(1),
        config: {
          cases: [
            { id: "order", label: "Order", expression: 'trigger.body.type = "order"' },
            { id: "refund", label: "Refund", expression: 'trigger.body.type = "refund"' },
          ],
        },
      },
      {
        id: "fulfil",
        type: "http.request",
        name: "Fulfil the order",
        position: at(2, -1),
        config: { method: "POST", url: "https://warehouse.example.com/orders", body: { type: "json", value: "{{ trigger.body }}" } },
      },
      {
        id: "refund",
        type: "http.request",
        name: "Issue the refund",
        position: at(2, 0),
        config: { method: "POST", url: "https://billing.example.com/refunds", body: { type: "json", value: "{{ trigger.body }}" } },
      },
      { id: "ignore", type: "noop", name: "Ignore", position: at(2, 1), config: {} },
    ],
    edges: [
      { id: "webhook-route", source: "webhook", target: "route" },
      { id: "route-fulfil", source: "route", sourceHandle: "order", target: "fulfil" },
      { id: "route-refund", source: "route", sourceHandle: "refund", target: "refund" },
      { id: "route-ignore", source: "route", sourceHandle: "default", target: "ignore" },
    ],
  },
};
