import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The monorepo root, found by walking up from the working directory to the
 * folder holding turbo.json. Next.js runs with its cwd in apps/web while
 * scripts and tests run from the root; both must agree on where `.data/` and
 * `drizzle/` live.
 */
export function findWorkspaceRoot(start: string = process.cwd()): string {
  // The root is found at run time; the bundler must not trace the file system from here.
  let dir = path.resolve(/*turbopackIgnore: true*/ start);
  for (;;) {
    if (existsSync(/*turbopackIgnore: true*/ path.join(dir, "turbo.json")) && existsSync(/*turbopackIgnore: true*/ path.join(dir, "drizzle"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(/*turbopackIgnore: true*/ start);
    dir = parent;
  }
}
