import { describe, expect, it } from "vitest";
import { SsrfBlockedError } from "./errors";
import {
  assertUrlHostAllowed,
  classifyAddress,
  compileAllowList,
  createGuardedLookup,
  isAddressAllowed,
  isHostAllowed,
  isPublicAddress,
} from "./ssrf-guard";

describe("address classification", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["192.168.1.1", "private"],
    ["172.16.0.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.100.100.200", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fd00:ec2::254", "uniqueLocal"],
    ["::ffff:127.0.0.1", "loopback"],
    ["224.0.0.1", "multicast"],
  ])("refuses %s (%s)", (address, range) => {
    expect(classifyAddress(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "2606:4700::6810:85e5", "8.8.8.8"])(
    "accepts public %s",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe("allow-list", () => {
  const list = compileAllowList([
    "Internal.Example.com",
    "*.corp.test",
    "10.0.0.0/8",
    "127.0.0.1",
    "[::1]",
  ]);

  it("matches names, wildcard suffixes, addresses and ranges", () => {
    expect(isHostAllowed(list, "internal.example.com.")).toBe(true);
    expect(isHostAllowed(list, "api.corp.test")).toBe(true);
    expect(isHostAllowed(list, "corp.test.evil.com")).toBe(false);
    expect(isAddressAllowed(list, "10.9.8.7")).toBe(true);
    expect(isAddressAllowed(list, "::1")).toBe(true);
    expect(isAddressAllowed(list, "::ffff:127.0.0.1")).toBe(true);
    expect(isAddressAllowed(list, "192.168.0.1")).toBe(false);
  });

  it("checks IP-literal URLs before connecting", () => {
    expect(() =>
      assertUrlHostAllowed(
        compileAllowList([]),
        new URL("http://169.254.169.254/latest/meta-data"),
      ),
    ).toThrow(SsrfBlockedError);
    expect(() =>
      assertUrlHostAllowed(compileAllowList([]), new URL("http://[::1]:8080/")),
    ).toThrow(SsrfBlockedError);
    expect(() =>
      assertUrlHostAllowed(
        compileAllowList(["127.0.0.1"]),
        new URL("http://127.0.0.1:9/"),
      ),
    ).not.toThrow();
  });

  it("refuses a name that resolves to a private address, after DNS resolution", async () => {
    const lookup = createGuardedLookup(compileAllowList([]));
    const error = await new Promise<unknown>((resolve) =>
      lookup("localhost", { all: true }, (err) => resolve(err)),
    );
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect((error as SsrfBlockedError).details).toMatchObject({
      host: "localhost",
      range: "loopback",
    });

    const allowed = createGuardedLookup(compileAllowList(["localhost"]));
    const addresses = await new Promise<unknown>((resolve, reject) =>
      allowed("localhost", { all: true }, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    );
    expect(addresses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ address: expect.any(String) }),
      ]),
    );
  });
});
