import { at, type WorkflowTemplate } from "./template";

export const forEachItem: WorkflowTemplate = {
  id: "for-each-item",
  name: "Call an API for each item",
  description: "Takes a list of items, sends each to an API (five at a time) and summarises the results.",
  category: "data",
  secrets: [],
  definition: {
    schemaVersion: 1,
    nodes: [
      {
        id: "start",
        type: "trigger.manual",
        name: "Items to process",
        position: at(0),
        config: {
          inputSchema: { type: "object", properties: { items: { type: "array" } }, required: ["items"] },
        },
      },
      { id: "each", type: "loop.splitter", name: "For each item", position: at(1), config: { items: "trigger.items", maxParallel: 5 } },
      {
        id: "send",
        type: "http.request",
        name: "Send the item",
        position: at(2),
        config: { method: "POST", url: "https://api.example.com/items", body: { type: "json", value: "{{ item }}" } },
      },
      { id: "collect", type: "loop.collector", name: "Collect the answers", position: at(3), config: {} },
      {
        id: "summary",
        type: "transform",
        name: "Summarise",
        position: at(4),
        config: { expression: '{ "sent": $count(nodes.collect.output), "statuses": nodes.collect.output.status }' },
      },
    ],
    edges: [
      { id: "start-each", source: "start", target: "each" },
      { id: "each-send", source: "each", sourceHandle: "item", target: "send" },
      { id: "send-collect", source: "send", target: "collect" },
      { id: "collect-summary", source: "collect", target: "summary" },
    ],
  },
};
