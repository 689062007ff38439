import { isSwaggerUiAsset, readSwaggerUiAsset, swaggerUiAssets } from "../swagger-ui-assets";

/** The page's script that starts Swagger UI; a file rather than inline so a strict CSP can allow it. */
const initializer = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false
  });
});
`;

export async function GET(_request: Request, { params }: { params: Promise<{ asset: string }> }): Promise<Response> {
  const { asset } = await params;
  if (asset === "swagger-initializer.js") {
    return new Response(initializer, { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" } });
  }
  if (!isSwaggerUiAsset(asset)) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
  const body = await readSwaggerUiAsset(asset);
  return new Response(new Uint8Array(body), {
    headers: { "content-type": swaggerUiAssets[asset], "cache-control": "public, max-age=86400" },
  });
}
