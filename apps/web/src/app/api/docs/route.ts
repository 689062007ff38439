/** The interactive API reference: Swagger UI over /api/v1/openapi.json, with every asset served locally. */
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Trellis REST API reference</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
    <style>body { margin: 0; } .topbar { display: none; }</style>
  </head>
  <body>
    <p style="font-family: system-ui, sans-serif; margin: 16px 20px 0;">
      Authenticate with an API key from the workspace settings. Errors are
      <a href="/api/docs/problems">problem+json documents</a>.
    </p>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/swagger-initializer.js"></script>
  </body>
</html>
`;

export function GET(): Response {
  return new Response(page, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=300" } });
}
