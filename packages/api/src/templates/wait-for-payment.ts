import { at, type WorkflowTemplate } from "./template";

export const waitForPayment: WorkflowTemplate = {
  id: "wait-for-payment",
  name: "Confirm paid orders, remind unpaid ones",
  description:
    "Starts when an order is placed, waits up to a day for its payment.received event, then confirms the order or sends a reminder.",
  category: "events",
  secrets: [],
  definition: {
    schemaVersion: 1,
    nodes: [
      { id: "order", type: "trigger.webhook", name: "Order placed", position: at(0), config: { method: "POST" } },
      {
        id: "payment",
        type: "wait.event",
        name: "Wait for the payment",
        position: at(1),
        config: { event: "payment.received", match: { orderId: "{{ trigger.body.orderId }}" }, timeoutMs: 86_400_000 },
      },
      {
        id: "confirm",
        type: "http.request",
        name: "Confirm the order",
        position: at(2, -1),
        config: { method: "POST", url: "https://shop.example.com/orders/{{ trigger.body.orderId }}/confirm" },
      },
      {
        id: "remind",
        type: "http.request",
        name: "Send a reminder",
        position: at(2, 1),
        config: {
          method: "POST",
          url: "https://mail.example.com/send",
          body: { type: "json", value: { to: "{{ trigger.body.email }}", template: "payment-reminder", orderId: "{{ trigger.body.orderId }}" } },
        },
      },
    ],
    edges: [
      { id: "order-payment", source: "order", target: "payment" },
      { id: "payment-confirm", source: "payment", sourceHandle: "out", target: "confirm" },
      { id: "payment-remind", source: "payment", sourceHandle: "timeout", target: "remind" },
    ],
  },
};
