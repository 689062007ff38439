import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { persistedSecret } from "./persisted-secret";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-secret-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

it("generates a secret once, readable only by its owner, and returns it again afterwards", () => {
  const dir = tempDir();
  const first = persistedSecret(dir, "auth-secret");
  expect(first.created).toBe(true);
  expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(statSync(path.join(dir, "secrets", "auth-secret")).mode & 0o777).toBe(0o600);
  expect(persistedSecret(dir, "auth-secret")).toEqual({ value: first.value, created: false });
});

it("replaces a truncated secret file rather than using a weak secret", () => {
  const dir = tempDir();
  persistedSecret(dir, "auth-secret");
  writeFileSync(path.join(dir, "secrets", "auth-secret"), "abc");
  expect(() => persistedSecret(dir, "auth-secret")).not.toThrow("abc");
});
