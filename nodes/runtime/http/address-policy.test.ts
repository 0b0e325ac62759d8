import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  createAddressPolicy,
  DEFAULT_OUTBOUND_POLICY,
  OutboundPolicyError,
  resolveOutboundPolicy,
} from './address-policy';

describe('when classifying addresses', () => {
  it.each([
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['192.0.0.192', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'reserved'], // IPv4-compatible, deprecated
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2606:4700::1111', 'public'],
  ])('puts %s in %s', (address, category) => {
    expect(classifyAddress(address).category).toBe(category);
  });

  it.each([
    ['::ffff:169.254.169.254', 'metadata', '169.254.169.254'],
    ['::ffff:a9fe:a9fe', 'metadata', '169.254.169.254'],
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:0:a00:1', 'private', '10.0.0.1'], // IPv4-translated (RFC 6145)
    ['64:ff9b::a9fe:a9fe', 'metadata', '169.254.169.254'], // NAT64
    ['64:ff9b::808:808', 'public', '8.8.8.8'],
    ['2002:a9fe:a9fe::1', 'metadata', '169.254.169.254'], // 6to4
    ['2002:0a00:0001::1', 'private', '10.0.0.1'],
  ])('judges %s by the IPv4 address inside it (%s)', (address, category, embedded) => {
    const judged = classifyAddress(address);
    expect(judged.category).toBe(category);
    expect(judged.embedded).toBe(embedded);
  });

  it('refuses what it cannot see through: local-use NAT64 and Teredo', () => {
    expect(classifyAddress('64:ff9b:1::a9fe:a9fe').category).toBe('reserved');
    expect(classifyAddress('2001:0:4136:e378:8000:63bf:3fff:fdd2').category).toBe('reserved');
  });

  it('throws on something that is not an address', () => {
    expect(() => classifyAddress('localhost')).toThrow(TypeError);
  });
});

describe('when checking addresses against an allow-list', () => {
  it('does allow public addresses with an empty allow-list', () => {
    expect(createAddressPolicy([]).check('93.184.216.34')).toMatchObject({ allowed: true, via: 'public' });
  });

  it('does refuse private and loopback addresses that are not listed', () => {
    const policy = createAddressPolicy([]);
    for (const address of ['10.0.0.1', '127.0.0.1', '::1', '100.64.1.1', 'fc00::5']) {
      const verdict = policy.check(address);
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toMatch(/allow-list/);
    }
  });

  it('does allow listed networks, including their IPv4-mapped forms', () => {
    const policy = createAddressPolicy(['127.0.0.0/8', '::1/128', '10.1.2.0/24', '192.168.7.7']);
    expect(policy.check('127.0.0.53')).toMatchObject({ allowed: true, via: 'cidr' });
    expect(policy.check('::ffff:127.0.0.1')).toMatchObject({ allowed: true, via: 'cidr' });
    expect(policy.check('::1').allowed).toBe(true);
    expect(policy.check('10.1.2.200').allowed).toBe(true);
    expect(policy.check('10.1.3.1').allowed).toBe(false);
    expect(policy.check('192.168.7.7').allowed).toBe(true);
    expect(policy.check('192.168.7.8').allowed).toBe(false);
  });

  it('does allow private addresses reached through a listed hostname or wildcard', () => {
    const policy = createAddressPolicy(['localhost', '*.svc.cluster.local']);
    expect(policy.check('127.0.0.1', 'localhost')).toMatchObject({ allowed: true, via: 'hostname' });
    expect(policy.check('127.0.0.1', 'LOCALHOST.')).toMatchObject({ allowed: true, via: 'hostname' });
    expect(policy.check('10.0.0.9', 'api.ns.svc.cluster.local').allowed).toBe(true);
    expect(policy.check('10.0.0.9', 'svc.cluster.local').allowed).toBe(false);
    expect(policy.check('127.0.0.1').allowed).toBe(false);
    expect(policy.check('127.0.0.1', 'evil.example').allowed).toBe(false);
  });

  it('does refuse always-refused addresses even for a listed hostname or an all-covering network', () => {
    const policy = createAddressPolicy(['metadata.google.internal', '0.0.0.0/0', '::/0']);
    for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '0.0.0.0', 'fe80::1']) {
      const verdict = policy.check(address, 'metadata.google.internal');
      expect(verdict.allowed, address).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toMatch(/always refused/);
    }
    expect(policy.check('10.9.9.9').allowed).toBe(true);
  });
});

describe('when resolving an outbound policy', () => {
  it('does fill in documented defaults', () => {
    expect(resolveOutboundPolicy()).toEqual({ ...DEFAULT_OUTBOUND_POLICY, allow: [] });
    expect(resolveOutboundPolicy({ timeoutMs: 500, maxRedirects: undefined })).toMatchObject({ timeoutMs: 500, maxRedirects: 5 });
  });

  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ maxResponseBytes: 1.5 }, 'maxResponseBytes'],
    [{ maxRedirects: -1 }, 'maxRedirects'],
  ])('does reject %j naming the setting', (overrides, field) => {
    expect(() => resolveOutboundPolicy(overrides)).toThrow(expect.objectContaining({ field, name: 'OutboundPolicyError' }));
  });

  it.each([
    ['10.0.0.0/33', /prefix length/],
    ['10.0.0.300/8', /no valid IP address/],
    ['10.1.2.3/24', /did you mean 10\.1\.2\.0\/24/],
    ['10.0.0.300', /not a CIDR/],
    ['010.0.0.1', /not a CIDR/],
    ['fe80::/64', /always refused/],
    ['169.254.169.254/32', /always refused/],
    ['not a host!', /not a CIDR/],
    ['::1/129', /prefix length/],
  ])('does reject the allow-list entry %s with an explicit error', (entry, message) => {
    let thrown: unknown;
    try {
      resolveOutboundPolicy({ allow: [entry] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutboundPolicyError);
    expect((thrown as OutboundPolicyError).entry).toBe(entry);
    expect((thrown as Error).message).toMatch(message);
  });

  it('does accept CIDRs, bare addresses and hostnames together', () => {
    const allow = ['127.0.0.0/8', '::1/128', 'localhost', '10.1.2.0/24', '192.168.0.10', '*.internal', 'fd00::/8'];
    expect(resolveOutboundPolicy({ allow }).allow).toEqual(allow);
  });
});
