import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useLiveClients } from '../../test/live';
import { useServers } from '../../test/server';
import { liveTracing } from './relay';

/** A raw Engine.IO polling handshake: what any HTTP client (or a browser's fetch) would send. */
function pollingHandshake(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: '/socket.io/?EIO=4&transport=polling', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('when the live channel is opened on loopback', () => {
  const t = useServers();
  const live = useLiveClients();

  it('accepts this server’s own origin, over polling and WebSocket', async () => {
    const { url } = await t.startServer({ attachments: [liveTracing()] });
    const host = new URL(url).host;
    expect((await pollingHandshake(url, { Host: host, Origin: url })).status).toBe(200);
    const polling = await live.connect(url, { transports: ['polling'], extraHeaders: { Origin: url } });
    expect(polling.socket.connected).toBe(true);
    const ws = await live.connect(url, { transports: ['websocket'], extraHeaders: { Origin: url } });
    expect((await ws.join('f')).ok).toBe(true);
  });

  it('refuses a foreign Origin with 403, over polling and WebSocket', async () => {
    const { url } = await t.startServer({ attachments: [liveTracing()] });
    const refused = await pollingHandshake(url, { Host: new URL(url).host, Origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('origin \\"https://evil.example\\" are not accepted');
    await expect(live.connect(url, { transports: ['websocket'], extraHeaders: { Origin: 'https://evil.example' } })).rejects.toThrow(/websocket error/);
    await expect(live.connect(url, { transports: ['polling'], extraHeaders: { Origin: 'https://evil.example' } })).rejects.toThrow(/xhr poll error/);
  });

  it('refuses a forged Host (DNS rebinding) with 403', async () => {
    const { url } = await t.startServer({ attachments: [liveTracing()] });
    const port = new URL(url).port;
    const refused = await pollingHandshake(url, { Host: `evil.example:${port}` });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('loopback names');
    expect((await pollingHandshake(url, { Host: `localhost:${Number(port) + 1}` })).status).toBe(403);
    await expect(live.connect(url, { transports: ['websocket'], extraHeaders: { Host: `evil.example:${port}` } })).rejects.toThrow(/websocket error/);
  });
});

describe('when the server has a token', () => {
  const t = useServers();
  const live = useLiveClients();

  it('refuses a connection without the token, or with a wrong one, with 401; accepts the right one', async () => {
    const { url } = await t.startServer({ token: 'live-token-1', attachments: [liveTracing()] });
    const without = await live.connect(url).catch((error: unknown) => error);
    expect(without).toMatchObject({ message: 'unauthorized', data: { status: 401 } });
    const wrong = await live.connect(url, { auth: { token: 'live-token-2' } }).catch((error: unknown) => error);
    expect(wrong).toMatchObject({ message: 'unauthorized', data: { status: 401 } });
    const right = await live.connect(url, { auth: { token: 'live-token-1' } });
    expect(await right.join('f')).toEqual({ ok: true, flowId: 'f' });
  });
});
