import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A secret generated once and kept in the data directory (mode 0600), for
 * embedded mode where nobody configured one. Returns whether it was created
 * now so the caller can warn.
 */
export function persistedSecret(dir: string, name: string): { value: string; created: boolean } {
  const file = path.join(dir, "secrets", name);
  try {
    const value = readFileSync(file, "utf8").trim();
    if (value.length >= 32) return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = randomBytes(32).toString("base64url");
  // `wx` so two processes starting at once cannot overwrite each other's secret.
  try {
    writeFileSync(file, value, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return persistedSecret(dir, name);
    throw error;
  }
  chmodSync(file, 0o600);
  return { value, created: true };
}
