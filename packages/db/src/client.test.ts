import { describe, expect, it } from "vitest";
import { chooseDriver } from "./client";

describe("chooseDriver", () => {
  it("picks embedded PGlite when no URL is configured", () => {
    expect(chooseDriver({})).toBe("pglite");
    expect(chooseDriver({ url: undefined })).toBe("pglite");
  });

  it("picks node-postgres for an ordinary postgres URL", () => {
    expect(chooseDriver({ url: "postgres://app:secret@127.0.0.1:5432/trellis" })).toBe("pg");
    expect(chooseDriver({ url: "postgresql://db.internal/trellis?sslmode=require" })).toBe("pg");
  });

  it("picks the Neon driver for a host under neon.tech", () => {
    expect(
      chooseDriver({ url: "postgresql://app:secret@ep-cool-river-123456.eu-central-1.aws.neon.tech/neondb?sslmode=require" }),
    ).toBe("neon");
    expect(chooseDriver({ url: "postgres://app@neon.tech/db" })).toBe("neon");
  });

  it("does not mistake a host that merely contains neon.tech for Neon", () => {
    expect(chooseDriver({ url: "postgres://app@neon.tech.example.com/db" })).toBe("pg");
    expect(chooseDriver({ url: "postgres://app@notneon.tech/db" })).toBe("pg");
  });

  it("lets an explicit DATABASE_DRIVER win over the URL", () => {
    expect(chooseDriver({ url: "postgres://app@127.0.0.1:5432/trellis", driver: "neon" })).toBe("neon");
    expect(chooseDriver({ url: "postgres://app@ep-x.neon.tech/db", driver: "pg" })).toBe("pg");
    expect(chooseDriver({ driver: "pglite", url: "postgres://app@127.0.0.1/db" })).toBe("pglite");
  });
});
