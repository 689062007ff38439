import { json, openApiDocument } from "@trellis/api/rest";

/** The OpenAPI 3.1 document, generated from the schemas the handlers validate with. Public, like the reference page. */
export function GET(): Response {
  return json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
