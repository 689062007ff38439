import { describe, expect, it } from "vitest";
import { problemCatalog } from "@trellis/api/rest";
import { GET as asset } from "./[asset]/route";
import { GET as problems } from "./problems/route";
import { GET as page } from "./route";

const assetRequest = (name: string) => asset(new Request(`http://localhost/api/docs/${name}`), { params: Promise.resolve({ asset: name }) });

describe("/api/docs", () => {
  it("serves a Swagger UI page that loads only local assets and the generated document", async () => {
    const response = page();
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(["/api/docs/swagger-ui.css", "/api/docs/problems", "/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-initializer.js"]);
    const initializer = await (await assetRequest("swagger-initializer.js")).text();
    expect(initializer).toContain('url: "/api/v1/openapi.json"');
  });

  it("serves the Swagger UI bundle and stylesheet from swagger-ui-dist, and nothing else", async () => {
    const bundle = await assetRequest("swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = await bundle.text();
    expect(script.length).toBeGreaterThan(500_000);
    expect(script).toContain("SwaggerUIBundle");
    const css = await assetRequest("swagger-ui.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await css.text()).length).toBeGreaterThan(10_000);
    for (const name of ["package.json", "..%2F..%2Fpackage.json", "index.html"]) expect((await assetRequest(name)).status, name).toBe(404);
  });

  it("documents every problem type the API answers with, at its anchor", async () => {
    const html = await problems().text();
    for (const problem of problemCatalog()) expect(html).toContain(`<section id="${problem.slug}"><h2>${problem.status} ${problem.title}</h2>`);
    expect(html).toContain('id="precondition-required"');
    expect(html).not.toMatch(/<p><\/p>/);
  });
});
