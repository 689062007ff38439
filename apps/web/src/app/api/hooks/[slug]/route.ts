import { handleWebhookDelivery } from "@trellis/api";

// Webhook ingress; verification, limits, deduplication and storage live in
// @trellis/api (packages/api/src/webhooks/ingress.ts). Every method a webhook
// trigger can listen on is routed there; a webhook answers only its trigger's
// (405 with Allow for the others).
async function deliver(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  return handleWebhookDelivery(request, (await params).slug);
}

export { deliver as DELETE, deliver as GET, deliver as PATCH, deliver as POST, deliver as PUT };
