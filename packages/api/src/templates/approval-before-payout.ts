import { at, type WorkflowTemplate } from "./template";

export const approvalBeforePayout: WorkflowTemplate = {
  id: "approval-before-payout",
  name: "Approve large payouts",
  description: "Pays small amounts straight away and asks a person to approve anything above 1,000 first.",
  category: "approval",
  secrets: ["PAYMENTS_API_KEY"],
  definition: {
    schemaVersion: 1,
    nodes: [
      {
        id: "start",
        type: "trigger.manual",
        name: "Payout requested",
        position: at(0),
        config: {
          inputSchema: {
            type: "object",
            properties: { amount: { type: "number", exclusiveMinimum: 0 }, recipient: { type: "string", minLength: 1 } },
            required: ["amount", "recipient"],
          },
        },
      },
      { id: "large", type: "condition", name: "Above 1,000?", position: at(1), config: { expression: "trigger.amount > 1000" } },
      {
        id: "approve",
        type: "approval",
        name: "Ask for approval",
        position: at(2, -1),
        config: {
          title: "Approve a payout of {{ trigger.amount }} to {{ trigger.recipient }}",
          timeoutMs: 2 * 86_400_000,
        },
      },
      {
        id: "pay",
        type: "http.request",
        name: "Send the payout",
        position: at(3),
        config: {
          method: "POST",
          url: "https://payments.example.com/payouts",
          headers: { authorization: "Bearer {{ secrets.PAYMENTS_API_KEY }}" },
          body: { type: "json", value: { amount: "{{ trigger.amount }}", recipient: "{{ trigger.recipient }}" } },
        },
      },
      {
        id: "declined",
        type: "transform",
        name: "Record the decision",
        position: at(3, -2),
        config: { expression: '{ "paid": false, "decision": nodes.approve.output.decision, "by": nodes.approve.output.by }' },
      },
    ],
    edges: [
      { id: "start-large", source: "start", target: "large" },
      { id: "large-approve", source: "large", sourceHandle: "true", target: "approve" },
      { id: "large-pay", source: "large", sourceHandle: "false", target: "pay" },
      { id: "approve-pay", source: "approve", sourceHandle: "approved", target: "pay" },
      { id: "approve-declined", source: "approve", sourceHandle: "rejected", target: "declined" },
      { id: "timeout-declined", source: "approve", sourceHandle: "timeout", target: "declined" },
    ],
  },
};
