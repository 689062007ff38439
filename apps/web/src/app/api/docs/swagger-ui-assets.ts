import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { findWorkspaceRoot } from "@trellis/config";

/** The Swagger UI files the reference page loads, served from swagger-ui-dist: nothing comes from a CDN. */
export const swaggerUiAssets = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

export type SwaggerUiAsset = keyof typeof swaggerUiAssets;

export function isSwaggerUiAsset(name: string): name is SwaggerUiAsset {
  return Object.hasOwn(swaggerUiAssets, name);
}

let directory: string | undefined;

/**
 * swagger-ui-dist's folder, found at run time in node_modules (the web app's
 * own, or the hoisted root one): the bundler must not inline a 1.5 MB script
 * into the route.
 */
function swaggerUiDirectory(): string {
  if (directory) return directory;
  const root = findWorkspaceRoot();
  const candidates = [path.join(root, "apps", "web", "node_modules", "swagger-ui-dist"), path.join(root, "node_modules", "swagger-ui-dist")];
  const found = candidates.find((dir) => existsSync(/*turbopackIgnore: true*/ path.join(dir, "swagger-ui-bundle.js")));
  if (!found) throw new Error(`swagger-ui-dist is not installed (looked in ${candidates.join(", ")})`);
  directory = found;
  return found;
}

export function readSwaggerUiAsset(name: SwaggerUiAsset): Promise<Buffer> {
  return readFile(/*turbopackIgnore: true*/ path.join(swaggerUiDirectory(), name));
}
