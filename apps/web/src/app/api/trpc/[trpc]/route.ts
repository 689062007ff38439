import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createContext } from "@trellis/api";
import { requestIdFrom } from "@trellis/api/rest";
import { logger } from "@trellis/config/logger";
import { getAppDatabase } from "@trellis/db";
import { currentUser } from "~/server/auth";

async function handler(request: Request) {
  const requestId = requestIdFrom(request.headers);
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => {
      const handle = await getAppDatabase();
      return createContext({ db: handle.db, handle, user: await currentUser(), requestId });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger().error({ err: error.cause ?? error, path, requestId }, "tRPC procedure failed");
    },
  });
  response.headers.set("x-request-id", requestId);
  return response;
}

export { handler as GET, handler as POST };
