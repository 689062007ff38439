import { handleWebhookDelivery } from "@trellis/api";

// Webhook ingress; verification, limits, deduplication and storage live in
// @trellis/api (packages/api/src/webhooks/ingress.ts).
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  return handleWebhookDelivery(request, (await params).slug);
}
