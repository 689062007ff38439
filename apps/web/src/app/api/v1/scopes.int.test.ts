import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { apiScopes } from "@trellis/api";
import { allOperations } from "@trellis/api/rest";
import { apiKeyWithScopes, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The handler serving an operation, from the route file at its path (`{id}` folders are `[id]`). */
async function handlerOf(operation: (typeof allOperations)[number]): Promise<Handler> {
  const folders = operation.path.split("/").filter(Boolean).map((segment) => segment.replace(/^\{(.+)\}$/, "[$1]"));
  const module = (await import(path.join(import.meta.dirname, ...folders, "route.ts"))) as Record<string, Handler>;
  const handler = module[operation.method];
  if (!handler) throw new Error(`${operation.method} ${operation.path} has no handler`);
  return handler;
}

describeEachDriver("REST scopes", (ctx) => {
  let allButOne: Map<string, ReturnType<typeof restCaller>>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    const cast = await workspaceWithRoles(ctx.db());
    allButOne = new Map();
    for (const scope of new Set(allOperations.map((o) => o.scope))) {
      const others = apiScopes.filter((s) => s !== scope);
      allButOne.set(scope, restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, others)));
    }
  });

  it("refuses every operation to a key without its scope, and to callers without a key", async () => {
    for (const operation of allOperations) {
      const handler = await handlerOf(operation);
      const label = `${operation.method} ${operation.path}`;
      // The key is checked before anything else, so placeholder ids and bodies do.
      const options = { method: operation.method, params: { workflowId: crypto.randomUUID(), secretId: crypto.randomUUID() }, body: operation.body ? {} : undefined };
      const refused = await allButOne.get(operation.scope)!(handler, `/api/v1${operation.path}`, options);
      expect(refused.status, label).toBe(403);
      expect(await refused.json(), label).toMatchObject({ detail: `This API key lacks the ${operation.scope} scope` });
      expect((await restCaller(null)(handler, `/api/v1${operation.path}`, options)).status, label).toBe(401);
    }
  });
});
