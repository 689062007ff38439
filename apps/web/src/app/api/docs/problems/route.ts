import { problemCatalog } from "@trellis/api/rest";

/** What each problem `type` of the REST API means; the types point here with an anchor per kind. */
const explanations: Record<string, string> = {
  "bad-request": "The request is malformed: invalid JSON, a cursor this API did not issue, or an unusable If-Match.",
  unauthorized: "Send an API key as Authorization: Bearer <key>. The key may be unknown or revoked.",
  forbidden: "The API key lacks the scope the operation needs; create a key with it.",
  "not-found": "Nothing by that id in the key's workspace. Another workspace's resources answer this too.",
  conflict: "The change conflicts with the current state, such as a secret name that is taken.",
  "precondition-failed": "If-Match no longer matches: someone changed the resource. GET it again (see currentRevision) and reapply your change.",
  "payload-too-large": "The body is larger than the configured limit (1 MiB by default).",
  "unsupported-media-type": "Send the body as application/json.",
  "unprocessable-content": "The input is not valid. `errors` holds messages by field path; `problems` holds compiler problems by node and edge.",
  "precondition-required": "The operation changes a revisioned resource: send If-Match with the ETag of your last read.",
  "method-not-allowed": "A webhook answers only the HTTP method its workflow's webhook trigger listens on; the Allow header names it.",
  "too-many-requests": "Slow down and retry after the time the Retry-After header gives.",
  "internal-server-error": "Something failed on the server. Quote the requestId when reporting it.",
  "service-unavailable": "The server cannot answer now (for example, the database is unreachable). Retry later.",
  "run-failed": "A result-mode webhook's delivery was accepted, but the run it started failed; the detail names the node and its error, Location the run.",
  "run-cancelled": "A result-mode webhook's delivery was accepted, but its run was cancelled before producing a result; Location names the run.",
};

export function GET(): Response {
  const sections = problemCatalog()
    .map(
      (p) => `<section id="${p.slug}"><h2>${p.status} ${p.title}</h2><p><code>/api/docs/problems#${p.slug}</code></p><p>${explanations[p.slug] ?? ""}</p></section>`,
    )
    .join("\n");
  const page = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Trellis API problem types</title>
  <style>body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; } section { border-top: 1px solid #ddd; }</style></head>
  <body>
    <h1>Problem types</h1>
    <p>Every error of the <a href="/api/docs">REST API</a> is an RFC 9457 <code>application/problem+json</code> document with a <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and the <code>requestId</code>.</p>
    ${sections}
  </body>
</html>
`;
  return new Response(page, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=300" } });
}
