import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "@trellis/config";
import { decryptSecret, encryptionKey, encryptSecret, SecretDecryptionError } from "./secret-crypto";

const key = randomBytes(32);

describe("secret encryption", () => {
  it("round-trips a value, with a fresh IV each time", () => {
    const a = encryptSecret(key, "hunter2 ✓", "ws-1/TOKEN");
    const b = encryptSecret(key, "hunter2 ✓", "ws-1/TOKEN");
    expect(a).not.toBe(b);
    expect(Buffer.from(a, "base64").subarray(0, 12)).not.toEqual(Buffer.from(b, "base64").subarray(0, 12));
    expect(decryptSecret(key, a, "ws-1/TOKEN")).toBe("hunter2 ✓");
    expect(Buffer.from(a, "base64").toString("latin1")).not.toContain("hunter2");
  });

  it("refuses another key, another context and an altered value", () => {
    const stored = encryptSecret(key, "value", "ws-1/TOKEN");
    expect(() => decryptSecret(randomBytes(32), stored, "ws-1/TOKEN")).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, stored, "ws-2/TOKEN")).toThrow(SecretDecryptionError);
    const bytes = Buffer.from(stored, "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => decryptSecret(key, bytes.toString("base64"), "ws-1/TOKEN")).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, "c2hvcnQ=", "ws-1/TOKEN")).toThrow(SecretDecryptionError);
  });
});

describe("encryptionKey", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("uses the configured key", () => {
    const configured = randomBytes(32);
    expect(encryptionKey(parseEnv({ TRELLIS_ENCRYPTION_KEY: configured.toString("base64") })).equals(configured)).toBe(true);
  });

  it("generates a 32-byte key into the data directory once, then reuses it", () => {
    dir = mkdtempSync(path.join(tmpdir(), "trellis-key-"));
    const config = parseEnv({ TRELLIS_DATA_DIR: dir, LOG_LEVEL: "silent" });
    const first = encryptionKey(config);
    expect(first.length).toBe(32);
    expect(encryptionKey(config).equals(first)).toBe(true);
    expect(readFileSync(path.join(dir, "secrets", "encryption-key"), "utf8").trim()).toBe(first.toString("base64url"));
  });

  it("refuses to generate one for a production deployment on a shared database", () => {
    const config = parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://db.example/trellis" });
    expect(() => encryptionKey(config)).toThrow(/TRELLIS_ENCRYPTION_KEY must be set/);
  });
});
