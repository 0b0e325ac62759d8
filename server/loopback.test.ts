import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useAppProcesses } from '../test/app-process';
import { useRedis } from '../test/redis';
import { loadConfig } from './config';
import { assertSafeBinding } from './http/security';
import { LOOPBACK_OUTBOUND_ALLOW } from './loopback';

describe('when the server decides whether it is bound to loopback', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('does decide the token and the outbound allow-list by one rule, for every host', () => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-loopback-'));
    const decisions = ['127.0.0.1', '127.0.0.2', '127.255.0.9', 'localhost', 'LOCALHOST', '::1', '0.0.0.0', '192.168.1.5', '::', 'example.com'].map((host) => {
      const config = loadConfig({ HOST: host, TRIBUTARY_DATA: dir, TRIBUTARY_SECRET: 'x'.repeat(32) });
      let tokenless = true;
      try {
        assertSafeBinding({ host });
      } catch {
        tokenless = false;
      }
      return { host, tokenless, outboundLoopback: config.outboundAllow.length > 0 };
    });
    for (const d of decisions) expect(d.outboundLoopback, d.host).toBe(d.tokenless);
    // 127.0.0.2 started without a token but with an empty allow-list before.
    expect(loadConfig({ HOST: '127.0.0.2', TRIBUTARY_DATA: dir, TRIBUTARY_SECRET: 'x'.repeat(32) }).outboundAllow).toEqual(LOOPBACK_OUTBOUND_ALLOW);
    expect(decisions.filter((d) => d.tokenless).map((d) => d.host)).toEqual(['127.0.0.1', '127.0.0.2', '127.255.0.9', 'localhost', 'LOCALHOST', '::1']);
  });
});

describe('when npm start loads the example flows on first start', () => {
  const r = useRedis(); // first: its cleanup runs after the processes are killed
  const apps = useAppProcesses();

  const get = async (url: string, path: string, token?: string) => {
    const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Array<{ id?: string; flowId?: string }>;
  };

  it('does deploy them on loopback, and only save them when bound elsewhere', { timeout: 90_000 }, async () => {
    const local = await apps.spawn('start', { redisUrl: r.url, prefix: `${r.prefix}-local` });
    const token = randomBytes(24).toString('base64url');
    const open = await apps.spawn('start', { redisUrl: r.url, prefix: `${r.prefix}-open`, env: { HOST: '0.0.0.0', TRIBUTARY_TOKEN: token } });
    const examples = (await get(local.url, '/api/flows')).map((f) => f.id).sort();
    expect(examples.length).toBeGreaterThan(0);
    expect((await get(local.url, '/api/deployments')).length).toBeGreaterThan(0);
    expect((await get(open.url, '/api/flows', token)).map((f) => f.id).sort()).toEqual(examples);
    expect(await get(open.url, '/api/deployments', token)).toEqual([]);
  });
});
