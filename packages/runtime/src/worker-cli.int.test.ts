import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker-cli.ts");

it("refuses to start on PGlite, saying why, with exit code 1", async () => {
  const { DATABASE_URL: _omitted, DATABASE_DRIVER: _driver, ...environment } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", cli], { env: { ...environment, LOG_LEVEL: "silent" }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(1);
  expect(stderr).toMatch(/needs a PostgreSQL database: set DATABASE_URL/);
  expect(stderr).toMatch(/PGlite/);
  expect(stderr).toMatch(/inside the web server/);
});
