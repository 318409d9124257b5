import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which IP addresses a webhook may never be delivered to. Endpoint URLs are chosen by
 * customers, so without this a URL could make our workers call the cloud metadata service,
 * a database on the private network, or our own API from the inside (SSRF).
 *
 * Decisions:
 * - Documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20) and
 *   benchmarking (198.18/15, 2001:2::/48) ranges are refused: they are never routed on the
 *   public internet, so a network where they do answer is by definition an internal one.
 * - Addresses that embed an IPv4 address (IPv4-mapped, IPv4-translated, NAT64 64:ff9b::/96,
 *   6to4 2002::/16) are judged by the embedded IPv4 address, so `::ffff:127.0.0.1` is loopback
 *   while 64:ff9b::808:808 (NAT64 to 8.8.8.8) is fine.
 * - Tunnelling and deprecated forms whose target cannot be read reliably (Teredo, IPv4-compatible
 *   ::/96, site-local fec0::/10, local-use NAT64 64:ff9b:1::/48) are refused outright.
 * - Anything that does not parse as an IP address is refused (fail closed).
 */

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressRange {
  readonly network: IpAddress;
  readonly prefixLength: number;
}

interface ForbiddenRange extends AddressRange {
  readonly reason: string;
}

interface EmbeddingRange extends AddressRange {
  readonly describe: string;
  readonly embeddedIpv4: (address: ipaddr.IPv6) => ipaddr.IPv4;
}

const forbidden = (cidr: string, reason: string): ForbiddenRange => {
  const [network, prefixLength] = ipaddr.parseCIDR(cidr);
  return { network, prefixLength, reason: `${reason} (${cidr})` };
};

/** Order matters only for the reason reported: narrower ranges come before wider ones. */
const FORBIDDEN_IPV4: readonly ForbiddenRange[] = [
  forbidden('0.0.0.0/8', 'unspecified "this network" address'),
  forbidden('10.0.0.0/8', 'private network (RFC 1918)'),
  forbidden('100.64.0.0/10', 'carrier-grade NAT shared address'),
  forbidden('127.0.0.0/8', 'loopback address'),
  forbidden('169.254.0.0/16', 'link-local address, home of cloud metadata 169.254.169.254'),
  forbidden('172.16.0.0/12', 'private network (RFC 1918)'),
  forbidden('192.0.0.0/24', 'IETF protocol assignment, incl. Oracle Cloud metadata'),
  forbidden('192.0.2.0/24', 'documentation range'),
  forbidden('192.88.99.0/24', 'deprecated 6to4 relay anycast'),
  forbidden('192.168.0.0/16', 'private network (RFC 1918)'),
  forbidden('198.18.0.0/15', 'benchmarking range'),
  forbidden('198.51.100.0/24', 'documentation range'),
  forbidden('203.0.113.0/24', 'documentation range'),
  forbidden('224.0.0.0/4', 'multicast address'),
  forbidden('255.255.255.255/32', 'broadcast address'),
  forbidden('240.0.0.0/4', 'reserved address'),
];

const FORBIDDEN_IPV6: readonly ForbiddenRange[] = [
  forbidden('::/128', 'unspecified address'),
  forbidden('::1/128', 'loopback address'),
  forbidden('::/96', 'deprecated IPv4-compatible address'),
  forbidden('64:ff9b:1::/48', 'local-use NAT64 address'),
  forbidden('100::/64', 'discard-only address'),
  forbidden('2001::/32', 'Teredo tunnel address'),
  forbidden('2001:2::/48', 'benchmarking range'),
  forbidden('2001:db8::/32', 'documentation range'),
  forbidden('3fff::/20', 'documentation range'),
  forbidden('fc00::/7', 'unique local address'),
  forbidden('fe80::/10', 'link-local address'),
  forbidden('fec0::/10', 'deprecated site-local address'),
  forbidden('ff00::/8', 'multicast address'),
];

const lowIpv4 = (address: ipaddr.IPv6): ipaddr.IPv4 =>
  ipv4FromWords(address.parts[6], address.parts[7]);

const embedding = (
  cidr: string,
  describe: string,
  embeddedIpv4: (address: ipaddr.IPv6) => ipaddr.IPv4,
): EmbeddingRange => {
  const [network, prefixLength] = ipaddr.parseCIDR(cidr);
  return { network, prefixLength, describe, embeddedIpv4 };
};

const IPV4_EMBEDDING_IPV6: readonly EmbeddingRange[] = [
  embedding('::ffff:0:0/96', 'IPv4-mapped IPv6 address', lowIpv4),
  embedding('::ffff:0:0:0/96', 'IPv4-translated IPv6 address', lowIpv4),
  embedding('64:ff9b::/96', 'NAT64 address', lowIpv4),
  embedding('2002::/16', '6to4 address', (address) =>
    ipv4FromWords(address.parts[1], address.parts[2]),
  ),
];

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function inRange(address: IpAddress, range: AddressRange): boolean {
  return (
    address.kind() === range.network.kind() && address.match(range.network, range.prefixLength)
  );
}

function parseAddress(ip: string): IpAddress | null {
  return ipaddr.isValid(ip) ? ipaddr.parse(ip) : null;
}

/**
 * Parses `extraForbidden` entries (exact addresses or CIDRs). An IPv4-mapped IPv6 entry is
 * stored as its IPv4 form, so it matches however the address is spelled.
 * Throws naming the bad entry, so a typo in config stops start-up instead of opening a hole.
 */
export function parseAddressRanges(entries: readonly string[]): AddressRange[] {
  return entries.map((entry) => {
    const trimmed = entry.trim();
    let range: AddressRange;
    if (ipaddr.isValidCIDR(trimmed)) {
      const [network, prefixLength] = ipaddr.parseCIDR(trimmed);
      range = { network, prefixLength };
    } else if (ipaddr.isValid(trimmed)) {
      const network = ipaddr.parse(trimmed);
      range = { network, prefixLength: network.kind() === 'ipv4' ? 32 : 128 };
    } else {
      throw new Error(`Forbidden address entry "${entry}" is not an IP address or CIDR`);
    }
    if (
      range.network.kind() === 'ipv6' &&
      range.prefixLength >= 96 &&
      (range.network as ipaddr.IPv6).isIPv4MappedAddress()
    ) {
      return {
        network: (range.network as ipaddr.IPv6).toIPv4Address(),
        prefixLength: range.prefixLength - 96,
      };
    }
    return range;
  });
}

/**
 * Why `ip` must not be connected to, or null when it is a public address.
 * @param extraForbidden exact addresses or CIDRs to refuse as well (our own listening addresses).
 */
export function forbiddenAddressReason(
  ip: string,
  extraForbidden: readonly string[] = [],
): string | null {
  return compileAddressPolicy({ allowPrivate: false, extraForbidden })(ip);
}

/** Why an address is refused, or null when it may be connected to. */
export type AddressCheck = (ip: string) => string | null;

export interface AddressPolicyOptions {
  /**
   * Development and test only: lets loopback, private and every other built-in range through so
   * receivers on localhost work. `extraForbidden` still applies.
   */
  allowPrivate: boolean;
  extraForbidden: readonly string[];
}

/** Parses the configured list once, for callers that check many addresses (the DNS hook). */
export function compileAddressPolicy(options: AddressPolicyOptions): AddressCheck {
  const extraRanges = parseAddressRanges(options.extraForbidden);
  return (ip) => {
    const address = parseAddress(ip);
    if (!address) return 'not an IP address';
    const extraReason = extraForbiddenReason(address, extraRanges);
    if (extraReason || options.allowPrivate) return extraReason;
    return builtInForbiddenReason(address);
  };
}

function extraForbiddenReason(address: IpAddress, ranges: readonly AddressRange[]): string | null {
  const candidates = [address];
  const embedded = embeddedIpv4(address);
  if (embedded) candidates.push(embedded.ipv4);
  const hit = ranges.some((range) => candidates.some((candidate) => inRange(candidate, range)));
  return hit ? 'one of our own addresses or DELIVERY_DENY_ADDRESSES' : null;
}

function builtInForbiddenReason(address: IpAddress): string | null {
  if (address.kind() === 'ipv4') {
    return FORBIDDEN_IPV4.find((range) => inRange(address, range))?.reason ?? null;
  }
  const embedded = embeddedIpv4(address);
  if (embedded) {
    const reason = builtInForbiddenReason(embedded.ipv4);
    return reason && `${embedded.describe} embedding ${embedded.ipv4.toString()}: ${reason}`;
  }
  return FORBIDDEN_IPV6.find((range) => inRange(address, range))?.reason ?? null;
}

function embeddedIpv4(address: IpAddress): { ipv4: ipaddr.IPv4; describe: string } | null {
  if (address.kind() !== 'ipv6') return null;
  const ipv6 = address as ipaddr.IPv6;
  const range = IPV4_EMBEDDING_IPV6.find((candidate) => inRange(ipv6, candidate));
  return range ? { ipv4: range.embeddedIpv4(ipv6), describe: range.describe } : null;
}

/**
 * The IP address a URL hostname names literally (`127.0.0.1`, `[::1]` → `::1`), or null for a
 * DNS name. "Literal" means exactly what Node's net treats as one, i.e. the cases in which it
 * skips the `lookup` hook. WHATWG `new URL()` has already rewritten odd IPv4 spellings
 * (`2130706433`, `0x7f.0.0.1`, `0177.0.0.1`) to dotted decimal by the time a hostname gets here.
 */
export function literalHostAddress(hostname: string): string | null {
  const unbracketed =
    hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(unbracketed) === 0 ? null : unbracketed.toLowerCase();
}
