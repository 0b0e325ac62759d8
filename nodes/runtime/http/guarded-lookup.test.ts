import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy';
import { AddressRefusedError, assertLiteralHostAllowed, createGuardedLookup, resolvePermitted, type Resolver } from './guarded-lookup';

const fixed =
  (answers: Record<string, LookupAddress[]>): Resolver =>
  async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

/** Calls a guarded lookup the way node:net does and reports what it answered. */
function callLookup(lookup: ReturnType<typeof createGuardedLookup>, hostname: string, options: { all?: boolean; family?: number }) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((resolve) => {
    lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('when a hostname resolves to a forbidden address', () => {
  it('does fail the lookup with a refusal naming the host, the address and why', async () => {
    const lookup = createGuardedLookup(createAddressPolicy([]), fixed({ 'metadata.test': [v4('169.254.169.254')] }));
    const { error } = await callLookup(lookup, 'metadata.test', { all: true });
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect(error?.code).toBe('ERR_TRIBUTARY_ADDRESS_REFUSED');
    expect(error?.message).toMatch(/169\.254\.169\.254.*metadata\.test.*metadata service/);
  });

  it('does refuse a listed hostname whose address is always refused', async () => {
    const resolve = fixed({ 'imds.test': [v6('fd00:ec2::254')] });
    await expect(resolvePermitted('imds.test', createAddressPolicy(['imds.test']), {}, resolve)).rejects.toMatchObject({
      category: 'metadata',
    });
  });
});

describe('when a hostname has both permitted and refused addresses', () => {
  const resolve = fixed({ localhost: [v6('::1'), v4('127.0.0.1')] });
  const policy = createAddressPolicy(['127.0.0.0/8']);

  it('does hand the socket only the permitted ones (all: true)', async () => {
    const { error, address } = await callLookup(createGuardedLookup(policy, resolve), 'localhost', { all: true });
    expect(error).toBeNull();
    expect(address).toEqual([v4('127.0.0.1')]);
  });

  it('does answer with the first permitted address and its family (all: false)', async () => {
    const { address, family } = await callLookup(createGuardedLookup(policy, resolve), 'localhost', {});
    expect([address, family]).toEqual(['127.0.0.1', 4]);
  });

  it('does honour a requested family, refusing when only forbidden addresses have it', async () => {
    const lookup = createGuardedLookup(policy, resolve);
    expect((await callLookup(lookup, 'localhost', { family: 4, all: true })).address).toEqual([v4('127.0.0.1')]);
    expect((await callLookup(lookup, 'localhost', { family: 6 })).error).toMatchObject({ address: '::1', category: 'loopback' });
  });
});

describe('when DNS answers differently on each query (rebinding)', () => {
  it('does refuse the loopback answer given at connect time after a public one passed a check', async () => {
    const answers = [v4('93.184.216.34'), v4('127.0.0.1')];
    let calls = 0;
    const rebinding: Resolver = async () => [answers[Math.min(calls++, 1)]!];
    const policy = createAddressPolicy([]);

    await expect(resolvePermitted('rebind.test', policy, {}, rebinding)).resolves.toEqual([v4('93.184.216.34')]);
    const { error } = await callLookup(createGuardedLookup(policy, rebinding), 'rebind.test', { all: true });
    expect(error).toMatchObject({ code: 'ERR_TRIBUTARY_ADDRESS_REFUSED', address: '127.0.0.1', hostname: 'rebind.test' });
  });
});

describe('when a URL host is an IP literal', () => {
  it('does refuse a forbidden literal without resolving anything', () => {
    const policy = createAddressPolicy([]);
    expect(() => assertLiteralHostAllowed('169.254.169.254', policy)).toThrow(AddressRefusedError);
    expect(() => assertLiteralHostAllowed('[::ffff:a9fe:a9fe]', policy)).toThrow(/metadata/);
    expect(() => assertLiteralHostAllowed('[::1]', policy)).toThrow(/loopback/);
  });

  it('does let hostnames and permitted literals through to the lookup', () => {
    const policy = createAddressPolicy(['127.0.0.1']);
    expect(() => assertLiteralHostAllowed('example.com', policy)).not.toThrow();
    expect(() => assertLiteralHostAllowed('127.0.0.1', policy)).not.toThrow();
    expect(() => assertLiteralHostAllowed('1.1.1.1', policy)).not.toThrow();
  });
});
