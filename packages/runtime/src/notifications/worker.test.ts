import { describe, expect, it } from "vitest";
import { SsrfBlockedError } from "@trellis/engine";
import { createOutboundGuard } from "./ssrf";
import { notificationBackoffMs } from "./worker";

describe("notification back-off", () => {
  it("doubles per attempt with jitter in the upper half, capped, and honours a longer Retry-After", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
      const delays = Array.from({ length: 200 }, () => notificationBackoffMs(attempt, 1_000, 60_000));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(ceiling / 2);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
    }
    // Jitter spreads retries of deliveries that failed together.
    expect(new Set(Array.from({ length: 50 }, () => notificationBackoffMs(5, 1_000, 60_000))).size).toBeGreaterThan(10);
    expect(notificationBackoffMs(1, 1_000, 60_000, 30_000)).toBe(30_000);
    expect(notificationBackoffMs(1, 1_000, 60_000, 10 * 60_000)).toBe(60_000);
  });
});

describe("outbound guard", () => {
  const refused = (allowed: string[], url: string) => {
    try {
      createOutboundGuard(allowed).assertUrl(new URL(url));
      return false;
    } catch (error) {
      expect(error).toBeInstanceOf(SsrfBlockedError);
      return true;
    }
  };

  it("refuses private, loopback, link-local and mapped addresses unless allowed by address, range or name", () => {
    for (const url of ["http://127.0.0.1/", "http://10.1.2.3/", "http://169.254.169.254/latest", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/"]) {
      expect(refused([], url), url).toBe(true);
    }
    expect(refused([], "https://93.184.216.34/")).toBe(false);
    expect(refused(["127.0.0.1"], "http://127.0.0.1:8080/")).toBe(false);
    expect(refused(["10.0.0.0/8"], "http://10.1.2.3/")).toBe(false);
    expect(refused(["10.0.0.0/8"], "http://192.168.1.1/")).toBe(true);
    expect(refused(["127.0.0.1"], "http://[::ffff:127.0.0.1]/")).toBe(false);
  });

  it("checks what a name resolves to when connecting", async () => {
    const resolve = (allowed: string[], host: string) =>
      new Promise<string>((done) => {
        createOutboundGuard(allowed).lookup(host, { family: 4 }, (error, address) => done(error ? `refused: ${error.message}` : String(address)));
      });
    expect(await resolve([], "localhost")).toMatch(/^refused: refusing to connect to localhost/);
    expect(await resolve(["localhost"], "localhost")).toBe("127.0.0.1");
    expect(await resolve(["127.0.0.0/8"], "localhost")).toBe("127.0.0.1");
  });
});
