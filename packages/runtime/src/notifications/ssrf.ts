import dns from "node:dns";
import net from "node:net";
import { classifyAddress, compileAllowList, SsrfBlockedError } from "@trellis/engine";

/**
 * The HTTP node's SSRF rules for notification URLs, composed from what the
 * engine exports (its allow-list compiler and address classification): only
 * public unicast addresses, unless the host or address is on the allow-list
 * (TRELLIS_ALLOWED_HOSTS). Names are checked in the socket's own `lookup`, so
 * the connection goes to exactly the addresses that were checked (no DNS
 * rebinding between check and connect).
 */
export interface OutboundGuard {
  /** Throws SsrfBlockedError for a literal address that is not allowed (those never reach `lookup`). */
  assertUrl(url: URL): void;
  lookup: net.LookupFunction;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

const unbracket = (host: string) => host.replace(/^\[|\]$/g, "");

/** `::ffff:10.0.0.1` is judged as the IPv4 address it carries. */
function ipv4Mapped(address: string): string | null {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? null;
}

export function createOutboundGuard(allowedHosts: readonly string[]): OutboundGuard {
  const list = compileAllowList(allowedHosts);
  const ranges = new net.BlockList();
  for (const [range, bits] of list.ranges) ranges.addSubnet(range.toString(), bits, range.kind() === "ipv4" ? "ipv4" : "ipv6");

  const hostAllowed = (hostname: string) => {
    const host = hostname.toLowerCase().replace(/\.$/, "");
    return list.names.has(host) || list.suffixes.some((suffix) => host.endsWith(suffix));
  };
  const addressAllowed = (address: string) => {
    const v4 = net.isIPv4(address) ? address : ipv4Mapped(address);
    return v4 ? ranges.check(v4, "ipv4") : ranges.check(address, "ipv6");
  };
  const assertAddress = (host: string, address: string) => {
    const range = classifyAddress(address);
    if (range !== "unicast" && !addressAllowed(address)) throw new SsrfBlockedError(host, address, range);
  };

  return {
    assertUrl(url) {
      const host = unbracket(url.hostname);
      if (net.isIP(host) && !hostAllowed(host)) assertAddress(host, host);
    },
    lookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback) {
      dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, "", 0);
        if (!hostAllowed(hostname)) {
          try {
            for (const { address } of addresses) assertAddress(hostname, address);
          } catch (blocked) {
            return callback(blocked as NodeJS.ErrnoException, "", 0);
          }
        }
        if (options.all) return callback(null, addresses);
        const [first] = addresses;
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
        return callback(null, first.address, first.family);
      });
    },
  };
}
