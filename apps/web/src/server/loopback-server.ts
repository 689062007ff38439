import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/**
 * For tests of the self-hosted server's parts over real sockets: `serve`
 * listens on 127.0.0.1 (a free port) and returns the base URL; the server is
 * closed, its connections cut, after each test. Call it while defining the
 * suite (it registers the `afterEach`).
 */
export function loopbackServer(): { serve(listener: RequestListener): Promise<string> } {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });
  return {
    async serve(listener) {
      server = createServer(listener);
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}
