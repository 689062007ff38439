import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// `npm start`: Trellis self-hosted. Next.js serves the app as `next start`
// would; the routes machines call at volume (src/server/direct-routes.ts) are
// called directly, sparing them Next.js's routing, which costs more than the
// work of a webhook delivery. On Vercel none of this runs: Next.js serves
// every route.
//
//   node --import tsx server.ts [-p PORT] [-H HOSTNAME]   (as `next start`: PORT or 3000, every interface)

Object.assign(process.env, { NODE_ENV: "production" });
const { values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname;

const { default: next } = await import("next");
const { loadDirectRoutes, matchDirectRoute } = await import("./src/server/direct-routes");
const { sendWebResponse, toWebRequest } = await import("./src/server/fetch-adapter");
const { logger } = await import("@trellis/config/logger");

const app = next({ dev: false, dir: path.dirname(fileURLToPath(import.meta.url)), hostname: hostname ?? "localhost", port });
// Runs the instrumentation hook: configuration check, database, embedded runtime.
await app.prepare();
const nextHandler = app.getRequestHandler();
const routes = await loadDirectRoutes();

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const match = matchDirectRoute(routes, req.method ?? "GET", query === -1 ? url : url.slice(0, query));
  if (!match) {
    void nextHandler(req, res);
    return;
  }
  void (async () => {
    try {
      if (match.node) return await match.node(req, res, match.params);
      const response = await match.handler(await toWebRequest(req, res), { params: Promise.resolve(match.params) });
      await sendWebResponse(response, res);
    } catch (error) {
      // Handlers answer their own errors as problem+json: this is a client gone mid-answer, or a bug.
      if ((error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") return;
      logger().error({ err: error, method: req.method, url }, "a directly served route failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/problem+json" }).end(JSON.stringify({ title: "Internal Server Error", status: 500 }));
      else res.destroy();
    }
  })();
});
// Without -H, every interface (IPv6 and IPv4), as `next start` listens.
server.listen({ port, host: hostname }, () => {
  logger().info(`Trellis ready on http://${hostname ?? "localhost"}:${port}`);
});
// The instrumentation hook's SIGTERM handler stops the runtime and exits; stop taking requests first.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close());
