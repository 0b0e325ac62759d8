/**
 * The address check that can't be raced. Checking a URL's hostname and then letting the socket
 * resolve it again leaves a gap a rebinding DNS server walks through (public answer for the check,
 * 127.0.0.1 for the connect). Instead the check sits inside the socket's own `lookup`, so the
 * addresses judged are exactly the addresses connected to.
 */
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressCategory } from './address-ranges';
import type { AddressPolicy, AddressVerdict } from './address-policy';

/**
 * Resolves a hostname to every address it has. The default is the system resolver (dns.lookup,
 * which honours /etc/hosts); tests inject one to play a rebinding DNS server.
 */
export type Resolver = (hostname: string, options: { family: 0 | 4 | 6; hints?: number }) => Promise<LookupAddress[]>;

/** dns.lookup with `all: true`: what node:net would have done without a custom lookup. */
export const systemResolver: Resolver = (hostname, { family, hints }) =>
  dns.lookup(hostname, { all: true, family, ...(hints === undefined ? {} : { hints }) });

/** A destination the outbound policy refuses. Raised before any packet is sent to it. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  readonly code = 'ERR_TRIBUTARY_ADDRESS_REFUSED';
  constructor(
    /** The host as the URL named it (an IP literal when the URL had one). */
    readonly hostname: string,
    readonly address: string,
    readonly category: AddressCategory,
    readonly reason: string,
  ) {
    const via = hostname === address ? '' : ` (which ${hostname} resolves to)`;
    super(`refused to connect to ${address}${via}: ${reason}`);
  }
}

const refusal = (hostname: string, verdict: Extract<AddressVerdict, { allowed: false }>) =>
  new AddressRefusedError(hostname, verdict.address, verdict.category, verdict.reason);

const stripBrackets = (host: string) => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/**
 * Checks a URL host that is an IP literal, which node:net connects to without calling `lookup`
 * at all. Throws {@link AddressRefusedError} when refused; does nothing for hostnames, whose
 * addresses the guarded lookup checks at connect time.
 */
export function assertLiteralHostAllowed(host: string, policy: AddressPolicy): void {
  const bare = stripBrackets(host);
  if (isIP(bare) === 0) return;
  const verdict = policy.check(bare);
  if (!verdict.allowed) throw refusal(host, verdict);
}

const familyOf = (family: LookupOptions['family']): 0 | 4 | 6 =>
  family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;

/**
 * Resolves `hostname` and keeps the addresses the policy permits. Refused addresses are dropped
 * rather than failing the whole name, so `localhost` → [::1, 127.0.0.1] still works when only
 * 127.0.0.0/8 is allowed; when nothing is left, the first refusal is thrown.
 */
export async function resolvePermitted(
  hostname: string,
  policy: AddressPolicy,
  options: { family?: LookupOptions['family']; hints?: number } = {},
  resolve: Resolver = systemResolver,
): Promise<LookupAddress[]> {
  const family = familyOf(options.family);
  const bare = stripBrackets(hostname);
  const candidates =
    isIP(bare) !== 0
      ? [{ address: bare, family: isIP(bare) }]
      : await resolve(hostname, { family, ...(options.hints === undefined ? {} : { hints: options.hints }) });
  const permitted: LookupAddress[] = [];
  let firstRefusal: AddressRefusedError | undefined;
  for (const candidate of candidates) {
    if (family !== 0 && candidate.family !== family) continue;
    const verdict = policy.check(candidate.address, bare);
    if (verdict.allowed) permitted.push(candidate);
    else firstRefusal ??= refusal(hostname, verdict);
  }
  if (permitted.length > 0) return permitted;
  if (firstRefusal) throw firstRefusal;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

/**
 * A `lookup` for node:net / node:http / node:https options that only ever hands the socket
 * addresses `policy` permits. Answers both call shapes: `all: true` (node ≥ 20 with
 * `autoSelectFamily`) gets the permitted list, otherwise the first permitted address.
 */
export function createGuardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolvePermitted(hostname, policy, options, resolve).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : '', undefined),
    );
  };
}
