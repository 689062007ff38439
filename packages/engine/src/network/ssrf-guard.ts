import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { SsrfBlockedError } from "./errors";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function parse(address: string): Address {
  const ip = ipaddr.parse(address.replace(/^\[|\]$/g, ""));
  // ::ffff:127.0.0.1 must be judged as the IPv4 address it carries.
  return ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()
    ? (ip as ipaddr.IPv6).toIPv4Address()
    : ip;
}

/**
 * ipaddr.js's range name. Only `unicast` is public: loopback, private,
 * linkLocal (169.254.169.254 metadata), uniqueLocal (fd00:ec2::254),
 * carrierGradeNat (100.100.100.200), unspecified, multicast, reserved and the
 * IPv4-embedding IPv6 ranges are all refused.
 */
export function classifyAddress(address: string): string {
  return parse(address).range();
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === "unicast";
}

export interface AllowList {
  names: ReadonlySet<string>;
  suffixes: readonly string[];
  ranges: readonly [Address, number][];
}

export function compileAllowList(entries: readonly string[] = []): AllowList {
  const names = new Set<string>();
  const suffixes: string[] = [];
  const ranges: [Address, number][] = [];
  for (const raw of entries) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, "");
    if (entry === "") continue;
    if (ipaddr.isValidCIDR(entry)) {
      const [ip, bits] = ipaddr.parseCIDR(entry);
      ranges.push([ip, bits]);
    } else if (net.isIP(entry)) {
      const ip = parse(entry);
      ranges.push([ip, ip.kind() === "ipv4" ? 32 : 128]);
    } else if (entry.startsWith("*.")) {
      suffixes.push(entry.slice(1));
    } else {
      names.add(entry);
    }
  }
  return { names, suffixes, ranges };
}

export function isHostAllowed(list: AllowList, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return (
    list.names.has(host) ||
    list.suffixes.some((suffix) => host.endsWith(suffix))
  );
}

export function isAddressAllowed(list: AllowList, address: string): boolean {
  const ip = parse(address);
  return list.ranges.some(
    ([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits),
  );
}

/** Throws SsrfBlockedError unless the address is public or explicitly allowed. */
export function assertAddressAllowed(
  list: AllowList,
  host: string,
  address: string,
): void {
  const range = classifyAddress(address);
  if (range !== "unicast" && !isAddressAllowed(list, address))
    throw new SsrfBlockedError(host, address, range);
}

/** Checks a URL's host before connecting; names are checked again at connect time by the lookup below. */
export function assertUrlHostAllowed(list: AllowList, url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host) && !isHostAllowed(list, host))
    assertAddressAllowed(list, host, host);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses when ANY resolved address is
 * private: the socket connects to exactly the addresses checked here, so DNS
 * rebinding between check and connect is impossible.
 */
export function createGuardedLookup(list: AllowList): net.LookupFunction {
  return (
    hostname: string,
    options: dns.LookupOptions,
    callback: LookupCallback,
  ) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      if (!isHostAllowed(list, hostname)) {
        try {
          for (const { address } of addresses)
            assertAddressAllowed(list, hostname, address);
        } catch (blocked) {
          return callback(blocked as NodeJS.ErrnoException, "", 0);
        }
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(
          Object.assign(new Error(`no address for ${hostname}`), {
            code: "ENOTFOUND",
          }),
          "",
          0,
        );
      return callback(null, first.address, first.family);
    });
  };
}
