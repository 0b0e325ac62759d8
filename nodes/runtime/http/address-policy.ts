/**
 * The outbound policy: which addresses HTTP nodes may reach, and how long and how much they may
 * read. Public addresses always pass; private and loopback ones only when the allow-list names
 * them (by network or by hostname); link-local, cloud metadata, unspecified, multicast, broadcast
 * and reserved addresses never do — not even for a host the allow-list names, because a name is
 * only as trustworthy as whoever controls its DNS.
 */
import ipaddr from 'ipaddr.js';
import {
  ALLOWABLE_CATEGORIES,
  ALWAYS_REFUSED_RANGES,
  classifyAddress,
  embeddedIPv4,
  findRange,
  parseAddress,
  type AddressCategory,
} from './address-ranges';

export { classifyAddress, type AddressCategory, type AddressClass } from './address-ranges';

/** Limits on what Tributary's nodes may do over HTTP. Stored in Redis so every worker agrees. */
export interface OutboundPolicy {
  /**
   * Private and loopback destinations that are permitted: CIDRs (`10.1.2.0/24`, `::1/128`), bare
   * IPs (`10.1.2.3`) and hostnames (`localhost`, `*.svc.cluster.local` for any subdomain).
   * A hostname entry permits whatever private or loopback address that name resolves to.
   * Default: `[]` — only public addresses.
   */
  allow: readonly string[];
  /** Total time for one request including redirects, connect and reading the body. Default: 30 000. */
  timeoutMs: number;
  /** Largest response body accepted, after decompression. Default: 10 MiB. */
  maxResponseBytes: number;
  /** Redirects followed before failing; 0 returns the 3xx response without following. Default: 5. */
  maxRedirects: number;
}

/** The policy an installation starts with: public internet only, 30 s, 10 MiB, 5 redirects. */
export const DEFAULT_OUTBOUND_POLICY: Readonly<OutboundPolicy> = Object.freeze({
  allow: Object.freeze([]) as readonly string[],
  timeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
});

/** A policy setting that can't be used; `field` names the setting, `entry` the bad allow-list entry. */
export class OutboundPolicyError extends Error {
  override readonly name = 'OutboundPolicyError';
  readonly code = 'ERR_TRIBUTARY_OUTBOUND_POLICY';
  constructor(
    message: string,
    readonly field: keyof OutboundPolicy,
    readonly entry?: string,
  ) {
    super(message);
  }
}

/**
 * Merges `overrides` over {@link DEFAULT_OUTBOUND_POLICY} (keys set to `undefined` keep the
 * default) and validates the result. Throws {@link OutboundPolicyError} naming the bad setting.
 */
export function resolveOutboundPolicy(overrides: Partial<OutboundPolicy> = {}): OutboundPolicy {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const policy: OutboundPolicy = { ...DEFAULT_OUTBOUND_POLICY, ...defined };
  const integerAtLeast = (field: 'timeoutMs' | 'maxResponseBytes' | 'maxRedirects', min: number) => {
    const value = policy[field];
    if (!Number.isSafeInteger(value) || value < min) {
      throw new OutboundPolicyError(`outbound policy: ${field} must be an integer ≥ ${min}, got ${String(value)}`, field);
    }
  };
  integerAtLeast('timeoutMs', 1);
  integerAtLeast('maxResponseBytes', 1);
  integerAtLeast('maxRedirects', 0);
  if (!Array.isArray(policy.allow)) {
    throw new OutboundPolicyError('outbound policy: allow must be a list of CIDRs and hostnames', 'allow');
  }
  compileAllowList(policy.allow); // throws on the first bad entry
  return { ...policy, allow: [...policy.allow] };
}

/** The verdict on one resolved address; `reason` says why in words fit for a user. */
export type AddressVerdict =
  | { allowed: true; address: string; category: AddressCategory; via: 'public' | 'cidr' | 'hostname' }
  | { allowed: false; address: string; category: AddressCategory; reason: string };

/** An allow-list compiled once, asked for every connection. */
export interface AddressPolicy {
  /**
   * Whether `address` may be connected to. `hostname` is the name it was resolved from, if any:
   * a hostname on the allow-list opens private and loopback addresses, never the others.
   */
  check(address: string, hostname?: string): AddressVerdict;
}

/** Compiles the allow-list of a policy into an {@link AddressPolicy}. Throws {@link OutboundPolicyError}. */
export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const list = compileAllowList(allow);
  return {
    check(address, hostname) {
      const judged = classifyAddress(address);
      const { category } = judged;
      if (!ALLOWABLE_CATEGORIES.has(category)) {
        return { allowed: false, address: judged.address, category, reason: `${judged.label}; always refused` };
      }
      if (category === 'public') return { allowed: true, address: judged.address, category, via: 'public' };
      if (list.allowsAddress(address)) return { allowed: true, address: judged.address, category, via: 'cidr' };
      if (hostname !== undefined && list.allowsHost(hostname)) {
        return { allowed: true, address: judged.address, category, via: 'hostname' };
      }
      return {
        allowed: false,
        address: judged.address,
        category,
        reason: `${judged.label}; not on the outbound allow-list`,
      };
    },
  };
}

interface AllowList {
  allowsAddress(address: string): boolean;
  allowsHost(hostname: string): boolean;
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOSTNAME = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})*$`);
const normaliseHost = (host: string): string => host.toLowerCase().replace(/\.$/, '');

function compileAllowList(entries: readonly string[]): AllowList {
  const networks: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    if (typeof raw !== 'string') throw bad(String(raw), 'is not a string');
    const entry = raw.trim();
    const net = parseNetwork(entry);
    if (net) {
      networks.push(net);
      continue;
    }
    const host = normaliseHost(entry);
    // The URL parser reads a name whose last label is numeric as an IPv4 address, so such an
    // entry is a mistyped address, not a hostname.
    if (!HOSTNAME.test(host) || /^(\d+|0x[0-9a-f]*)$/.test(host.split('.').at(-1) ?? '')) {
      throw bad(raw, 'is not a CIDR (10.0.0.0/8, ::1/128), an IP address or a hostname');
    }
    if (host.startsWith('*.')) suffixes.push(host.slice(1));
    else hosts.add(host);
  }
  const inNetworks = (ip: ipaddr.IPv4 | ipaddr.IPv6) =>
    networks.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  return {
    allowsAddress(address) {
      const ip = parseAddress(address);
      if (!ip) return false;
      const inner = ip.kind() === 'ipv6' ? embeddedIPv4(ip as ipaddr.IPv6) : undefined;
      return inNetworks(ip) || (inner !== undefined && inNetworks(inner));
    },
    allowsHost(hostname) {
      const host = normaliseHost(hostname);
      return hosts.has(host) || suffixes.some((suffix) => host.endsWith(suffix));
    },
  };
}

/** Parses `10.0.0.0/8`, `::1/128` or a bare IP; undefined when `entry` isn't address-shaped. */
function parseNetwork(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const slash = entry.indexOf('/');
  const addressPart = slash === -1 ? entry : entry.slice(0, slash);
  const ip = parseAddress(addressPart);
  if (!ip) {
    if (slash !== -1) throw bad(entry, `has no valid IP address before the "/"`);
    return undefined;
  }
  const max = ip.kind() === 'ipv4' ? 32 : 128;
  const bitsText = slash === -1 ? String(max) : entry.slice(slash + 1);
  const bits = Number(bitsText);
  if (!/^\d{1,3}$/.test(bitsText) || bits > max) throw bad(entry, `has a prefix length that isn't 0–${max}`);
  const network = ipaddr.parseCIDR(`${ip.toString()}/${bits}`);
  const base = ip.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${bits}`);
  if (base.toNormalizedString() !== ip.toNormalizedString()) {
    throw bad(entry, `has bits set past its prefix; did you mean ${base.toString()}/${bits}?`);
  }
  // An entry wholly inside an always-refused range would silently do nothing: say so instead.
  const refused = findRange(ip, ALWAYS_REFUSED_RANGES);
  if (refused && bits >= refused.net[1]) {
    throw bad(entry, `lies inside ${refused.label}, which is always refused and can't be allowed`);
  }
  return network;
}

const bad = (entry: string, problem: string) =>
  new OutboundPolicyError(`outbound policy: allow-list entry "${entry}" ${problem}`, 'allow', entry);
