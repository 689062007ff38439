import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { allOperations } from "@trellis/api/rest";
import { GET } from "./route";

const v1Dir = path.resolve(import.meta.dirname, "..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every route.ts under app/api/v1 with the REST path it serves (`[id]` folders are `{id}`). */
function routeFiles(dir = v1Dir): { file: string; path: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (entry.name !== "route.ts") return [];
    const relative = path.relative(v1Dir, dir).split(path.sep).map((segment) => segment.replace(/^\[(.+)\]$/, "{$1}"));
    return [{ file: full, path: `/${relative.join("/")}` }];
  });
}

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const response = GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every REST operation, with unique operation ids and the problem responses", async () => {
    const document = (await GET().json()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; security: unknown }>> };
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.map((o) => o.operationId).sort()).toEqual(allOperations.map((o) => o.id).sort());
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    const patch = document.paths["/api/v1/workflows/{workflowId}"]?.patch;
    expect(Object.keys(patch?.responses ?? {}).sort()).toEqual(["200", "400", "401", "403", "404", "412", "413", "415", "422", "428", "429", "500"]);
    expect(patch?.security).toEqual([{ apiKey: ["workflows:write"] }]);
  });

  it("matches the route files: each documented operation is served, and nothing is served undocumented", async () => {
    const documented = new Set(allOperations.map((o) => `${o.method} ${o.path}`));
    const served = new Set<string>();
    for (const route of routeFiles()) {
      if (route.path === "/openapi.json") continue;
      const module = (await import(route.file)) as Record<string, unknown>;
      for (const method of METHODS) if (typeof module[method] === "function") served.add(`${method} ${route.path}`);
    }
    expect([...served].sort()).toEqual([...documented].sort());
  });
});
