import { at, type WorkflowTemplate } from "./template";

export const delayedFollowUp: WorkflowTemplate = {
  id: "delayed-follow-up",
  name: "Follow up a day later",
  description: "Waits a day after sign-up, then sends a follow-up message through your mail API.",
  category: "events",
  secrets: ["MAIL_API_KEY"],
  definition: {
    schemaVersion: 1,
    nodes: [
      {
        id: "signup",
        type: "trigger.manual",
        name: "Someone signed up",
        position: at(0),
        config: {
          inputSchema: {
            type: "object",
            properties: { email: { type: "string", format: "email" }, name: { type: "string" } },
            required: ["email"],
          },
        },
      },
      { id: "wait", type: "delay", name: "Wait a day", position: at(1), config: { durationMs: 86_400_000 } },
      {
        id: "send",
        type: "http.request",
        name: "Send the follow-up",
        position: at(2),
        config: {
          method: "POST",
          url: "https://mail.example.com/send",
          headers: { authorization: "Bearer {{ secrets.MAIL_API_KEY }}" },
          body: { type: "json", value: { to: "{{ trigger.email }}", template: "day-one-follow-up", name: "{{ trigger.name }}" } },
        },
      },
    ],
    edges: [
      { id: "signup-wait", source: "signup", target: "wait" },
      { id: "wait-send", source: "wait", target: "send" },
    ],
  },
};
