/**
 * What kind of address an IP is, for the outbound-HTTP guard. The tables are written out here
 * rather than taken from ipaddr.js's `range()` so that the whole decision can be audited on one
 * page, and so that every IPv6 form that carries an IPv4 address inside is judged by that IPv4
 * address (an IPv4-mapped `::ffff:169.254.169.254` is the metadata service, not "ipv4Mapped").
 */
import ipaddr from 'ipaddr.js';

type IP = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * `public`, `private` and `loopback` are decided by the allow-list (public always passes); every
 * other category is refused whatever the allow-list says.
 */
export type AddressCategory =
  | 'public'
  | 'private'
  | 'loopback'
  | 'metadata'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

/** Categories the allow-list may open; the rest are refused unconditionally. */
export const ALLOWABLE_CATEGORIES: ReadonlySet<AddressCategory> = new Set(['public', 'private', 'loopback']);

/** How one address was classified. */
export interface AddressClass {
  /** The address as given, in canonical form (RFC 5952 for IPv6). */
  address: string;
  /** The IPv4 address an IPv6 form embeds (IPv4-mapped, NAT64, 6to4), when it embeds one. */
  embedded?: string;
  category: AddressCategory;
  /** Why, in words, e.g. "private network (RFC 1918)". */
  label: string;
}

interface Range {
  net: [IP, number];
  category: AddressCategory;
  label: string;
}

const range = (cidr: string, category: AddressCategory, label: string): Range => ({
  net: ipaddr.parseCIDR(cidr),
  category,
  label,
});

// First match wins, so the specific entries (metadata services) come before their enclosing ranges.
const V4_RANGES: readonly Range[] = [
  range('169.254.169.254/32', 'metadata', 'cloud metadata service (AWS, GCP, Azure, OpenStack, DigitalOcean, …)'),
  range('169.254.170.2/32', 'metadata', 'AWS ECS task metadata and credentials endpoint'),
  range('169.254.170.23/32', 'metadata', 'AWS EKS Pod Identity agent'),
  range('100.100.100.200/32', 'metadata', 'Alibaba Cloud metadata service'),
  range('192.0.0.192/32', 'metadata', 'Oracle Cloud metadata service'),
  // A public address, but on Azure it is the host's WireServer, which hands out VM secrets.
  range('168.63.129.16/32', 'metadata', 'Azure WireServer'),
  range('0.0.0.0/8', 'unspecified', '"this network" address (0.0.0.0/8)'),
  range('127.0.0.0/8', 'loopback', 'loopback address'),
  range('169.254.0.0/16', 'link-local', 'link-local address (169.254.0.0/16)'),
  range('10.0.0.0/8', 'private', 'private network address (RFC 1918)'),
  range('172.16.0.0/12', 'private', 'private network address (RFC 1918)'),
  range('192.168.0.0/16', 'private', 'private network address (RFC 1918)'),
  range('100.64.0.0/10', 'private', 'carrier-grade NAT address (RFC 6598)'),
  range('192.0.0.0/24', 'reserved', 'IETF protocol assignment (192.0.0.0/24)'),
  range('192.0.2.0/24', 'reserved', 'documentation address (TEST-NET-1)'),
  range('198.51.100.0/24', 'reserved', 'documentation address (TEST-NET-2)'),
  range('203.0.113.0/24', 'reserved', 'documentation address (TEST-NET-3)'),
  range('198.18.0.0/15', 'reserved', 'benchmarking address (RFC 2544)'),
  range('192.88.99.0/24', 'reserved', 'deprecated 6to4 relay anycast address'),
  range('224.0.0.0/4', 'multicast', 'multicast address'),
  range('255.255.255.255/32', 'broadcast', 'broadcast address'),
  range('240.0.0.0/4', 'reserved', 'reserved address (240.0.0.0/4)'),
];

const V6_RANGES: readonly Range[] = [
  range('fd00:ec2::254/128', 'metadata', 'AWS instance metadata service (IPv6)'),
  range('fd20:ce::254/128', 'metadata', 'GCP metadata server (IPv6)'),
  range('::/128', 'unspecified', 'unspecified address (::)'),
  range('::1/128', 'loopback', 'loopback address'),
  // Which IPv4 address a local-use NAT64 prefix embeds depends on the operator's prefix length,
  // so the embedded address can't be checked: refuse rather than guess.
  range('64:ff9b:1::/48', 'reserved', 'local-use NAT64 address (RFC 8215), whose IPv4 target cannot be checked'),
  range('2001::/32', 'reserved', 'Teredo tunnel address (its IPv4 target cannot be checked)'),
  range('2001::/23', 'reserved', 'IETF protocol assignment (2001::/23)'),
  range('2001:db8::/32', 'reserved', 'documentation address (2001:db8::/32)'),
  range('3fff::/20', 'reserved', 'documentation address (3fff::/20)'),
  range('fe80::/10', 'link-local', 'link-local address (fe80::/10)'),
  range('fec0::/10', 'private', 'site-local address (deprecated, fec0::/10)'),
  range('fc00::/7', 'private', 'unique local address (fc00::/7)'),
  range('ff00::/8', 'multicast', 'multicast address'),
];

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Walks `ranges` and returns the first one `ip` falls into. */
export function findRange(ip: IP, ranges: readonly Range[]): Range | undefined {
  return ranges.find((r) => r.net[0].kind() === ip.kind() && ip.match(r.net));
}

/**
 * The IPv4 address an IPv6 form carries and that the packet will in effect reach: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), well-known NAT64 (`64:ff9b::a.b.c.d`)
 * and 6to4 (`2002:AABB:CCDD::`).
 */
export function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return v4(p[6]!, p[7]!);
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return v4(p[6]!, p[7]!);
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return v4(p[6]!, p[7]!);
  if (p[0] === 0x2002) return v4(p[1]!, p[2]!);
  return undefined;
}

/** Parses an address as dns.lookup returns it or as a URL host spells it (brackets allowed). */
export function parseAddress(address: string): IP | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

const canonical = (ip: IP): string => (ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString());

/**
 * Classifies one IP address. Throws a TypeError when `address` isn't an IP address (a caller
 * that has a hostname must resolve it first).
 */
export function classifyAddress(address: string | IP): AddressClass {
  const ip = typeof address === 'string' ? parseAddress(address) : address;
  if (!ip) throw new TypeError(`not an IP address: ${String(address)}`);
  const shown = canonical(ip);
  if (ip.kind() === 'ipv4') {
    const hit = findRange(ip, V4_RANGES);
    return hit
      ? { address: shown, category: hit.category, label: hit.label }
      : { address: shown, category: 'public', label: 'public address' };
  }
  const v6 = ip as ipaddr.IPv6;
  const inner = embeddedIPv4(v6);
  if (inner) {
    const judged = classifyAddress(inner);
    return { ...judged, address: shown, embedded: judged.address, label: `${judged.label}, embedded in ${shown}` };
  }
  const hit = findRange(v6, V6_RANGES);
  if (hit) return { address: shown, category: hit.category, label: hit.label };
  // Outside 2000::/3 nothing is assigned for ordinary unicast (IPv4-compatible ::a.b.c.d,
  // discard-only 100::/64, segment routing, …): refuse by default rather than enumerate.
  if (!v6.match(GLOBAL_UNICAST_V6)) {
    return { address: shown, category: 'reserved', label: 'address outside global unicast space (2000::/3)' };
  }
  return { address: shown, category: 'public', label: 'public address' };
}

/** Ranges whose every address is refused, for rejecting allow-list entries that could never apply. */
export const ALWAYS_REFUSED_RANGES: readonly Range[] = [...V4_RANGES, ...V6_RANGES].filter(
  (r) => !ALLOWABLE_CATEGORIES.has(r.category),
);
