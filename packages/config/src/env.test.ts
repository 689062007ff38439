import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("accepts an empty environment: everything has an embedded default", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ NODE_ENV: "development", LOG_LEVEL: "info", REST_BODY_LIMIT_BYTES: 1048576, INNGEST_DEV: false });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", AUTH_SECRET: "  " }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: "mysql://localhost/db" }, "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET must be at least 32 characters"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ PORT: "99999" }, "PORT"],
    [{ AUTH_GITHUB_ID: "abc" }, "AUTH_GITHUB_SECRET must be set together with its pair"],
    [{ UPSTASH_REDIS_REST_TOKEN: "t" }, "UPSTASH_REDIS_REST_URL must be set together with its pair"],
  ])("names the offending variable: %o", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });

  it("parses numbers and flags", () => {
    const env = parseEnv({ PORT: "8080", INNGEST_DEV: "1", DATABASE_URL: "postgresql://u@h/db", DATABASE_DRIVER: "neon" });
    expect(env).toMatchObject({ PORT: 8080, INNGEST_DEV: true, DATABASE_DRIVER: "neon" });
  });
});

it("refuses an encryption key that is not 32 bytes of base64", () => {
  expect(() => parseEnv({ TRELLIS_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow("TRELLIS_ENCRYPTION_KEY must be 32 bytes");
  expect(parseEnv({ TRELLIS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).TRELLIS_ENCRYPTION_KEY).toBeDefined();
});
