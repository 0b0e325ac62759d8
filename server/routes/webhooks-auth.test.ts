import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deployOverApi, fileLines, finishedRun, hookFlow } from '../../test/server-fixtures';
import { useServers, type TestServer } from '../../test/server';

const KEY = 'hmac-s3cret-signing-key';
const TOKEN = 'shared-s3cret-token';
const BODY = JSON.stringify({ orderId: 'A1' });
const sign = (algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64', body = BODY, key = KEY) => createHmac(algorithm, key).update(body).digest(encoding);
const json = { 'content-type': 'application/json' };

/** Stores the credentials, then deploys `hooks` (webhook configs) as flow `id`. */
async function deployWithCredentials(api: TestServer['api'], id: string, hooks: Array<Record<string, unknown>>) {
  expect((await api('PUT', '/api/credentials/signing', { type: 'http-header', name: 'X-Unused', value: KEY })).status).toBe(200);
  expect((await api('PUT', '/api/credentials/shared', { type: 'http-header', name: 'X-Webhook-Token', value: TOKEN })).status).toBe(200);
  await deployOverApi(api, hookFlow(id, hooks));
}

describe('when a webhook requires an HMAC signature', () => {
  const t = useServers();
  const hmac = (extra: Record<string, unknown> = {}) => ({ mode: 'hmac', credential: 'signing', signatureHeader: 'X-Hub-Signature-256', ...extra });

  it('does accept a good signature (bare or with its algorithm prefix) and strip it from the attributes', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 'm1', [{ path: '/in', auth: hmac() }]);
    const bare = await api('POST', '/hooks/m1/in', BODY, { ...json, 'X-Hub-Signature-256': sign('sha256', 'hex') });
    const prefixed = await api('POST', '/hooks/m1/in', BODY, { ...json, 'X-Hub-Signature-256': `sha256=${sign('sha256', 'hex').toUpperCase()}` });
    expect(bare.status).toBe(202);
    expect(prefixed.status).toBe(202);
    await finishedRun(api, bare.body.runId);
    await finishedRun(api, prefixed.body.runId);
    const lines = fileLines(t.dataDir, 'm1.jsonl') as Array<{ payload: unknown; attrs: { headers: Record<string, string> } }>;
    expect(lines.map((l) => l.payload)).toEqual([{ orderId: 'A1' }, { orderId: 'A1' }]);
    for (const line of lines) expect(line.attrs.headers).not.toHaveProperty('x-hub-signature-256');
  });

  it('does take sha512 signatures in base64 when so configured', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 'm2', [{ path: '/in', auth: hmac({ algorithm: 'sha512', encoding: 'base64' }) }]);
    expect((await api('POST', '/hooks/m2/in', BODY, { ...json, 'X-Hub-Signature-256': sign('sha512', 'base64') })).status).toBe(202);
    expect((await api('POST', '/hooks/m2/in', BODY, { ...json, 'X-Hub-Signature-256': `sha512=${sign('sha512', 'base64')}` })).status).toBe(202);
    expect((await api('POST', '/hooks/m2/in', BODY, { ...json, 'X-Hub-Signature-256': sign('sha512', 'hex') })).status).toBe(401);
  });

  it('does answer 401 for a missing, wrong or malformed signature, or a tampered body, and start nothing', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 'm3', [{ path: '/in', auth: hmac() }]);
    const attempts: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['wrong key', { 'X-Hub-Signature-256': sign('sha256', 'hex', BODY, 'another-key') }],
      ['other algorithm prefix', { 'X-Hub-Signature-256': `sha512=${sign('sha256', 'hex')}` }],
      ['not hex', { 'X-Hub-Signature-256': 'zz'.repeat(32) }],
      ['truncated', { 'X-Hub-Signature-256': sign('sha256', 'hex').slice(0, 40) }],
      ['empty', { 'X-Hub-Signature-256': '' }],
    ];
    for (const [what, headers] of attempts) {
      const res = await api('POST', '/hooks/m3/in', BODY, { ...json, ...headers });
      expect(res.status, what).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.text).not.toContain(KEY);
    }
    const tampered = await api('POST', '/hooks/m3/in', JSON.stringify({ orderId: 'B2' }), { ...json, 'X-Hub-Signature-256': sign('sha256', 'hex') });
    expect(tampered.status).toBe(401);
    // Authentication comes before parsing: a malformed body with a bad signature is a 401, not a 400.
    expect((await api('POST', '/hooks/m3/in', '{"a": ', json)).status).toBe(401);
    expect((await api('GET', '/api/flows/m3/runs')).body.total).toBe(0);
  });
});

describe('when an HMAC webhook takes a signed timestamp', () => {
  const t = useServers();
  const auth = { mode: 'hmac', credential: 'signing', signatureHeader: 'X-Signature', timestampHeader: 'X-Timestamp', toleranceSec: 300 };
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (timestamp: number, body = BODY) => ({ 'X-Timestamp': String(timestamp), 'X-Signature': sign('sha256', 'hex', `${timestamp}.${body}`) });

  it('does accept `<timestamp>.<body>` signed within the tolerance', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 'ts1', [{ path: '/in', auth }]);
    const res = await api('POST', '/hooks/ts1/in', BODY, { ...json, ...signed(now() - 200) });
    expect(res.status).toBe(202);
    await finishedRun(api, res.body.runId);
    const [line] = fileLines(t.dataDir, 'ts1.jsonl') as Array<{ payload: unknown }>;
    expect(line!.payload).toEqual({ orderId: 'A1' });
  });

  it('does answer 401 for a stale, future, missing or re-dated timestamp, or a signature of the body alone, and start nothing', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 'ts2', [{ path: '/in', auth }]);
    const attempts: Array<[string, Record<string, string>]> = [
      ['captured an hour ago', signed(now() - 3600)],
      ['from the future', signed(now() + 3600)],
      ['without the timestamp', { 'X-Signature': signed(now())['X-Signature'] }],
      ['re-dated', { ...signed(now() - 3600), 'X-Timestamp': String(now()) }],
      ['body alone signed', { 'X-Timestamp': String(now()), 'X-Signature': sign('sha256', 'hex') }],
      ['not a number', { 'X-Timestamp': 'soon', 'X-Signature': sign('sha256', 'hex', `soon.${BODY}`) }],
    ];
    for (const [what, headers] of attempts) expect((await api('POST', '/hooks/ts2/in', BODY, { ...json, ...headers })).status, what).toBe(401);
    expect((await api('GET', '/api/flows/ts2/runs')).body.total).toBe(0);
  });
});

describe('when a browser sends a cross-site request to a webhook', () => {
  const t = useServers();
  const crossSite = { 'Sec-Fetch-Site': 'cross-site' };

  it('does answer 403 on a webhook without auth (an <img> GET or a form POST), and start nothing', async () => {
    const { api } = await t.startServer({ corsOrigins: ['https://app.example'] });
    await deployWithCredentials(api, 'x1', [{ path: '/open', method: 'GET' }, { path: '/form' }]);
    const img = await api('GET', '/hooks/x1/open?a=1', undefined, { ...crossSite, 'Sec-Fetch-Dest': 'image' });
    expect(img.status).toBe(403);
    expect(img.headers.get('content-type')).toContain('application/problem+json');
    expect((await api('POST', '/hooks/x1/form', 'a=1', { ...crossSite, 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(403);
    expect((await api('GET', '/api/flows/x1/runs')).body.total).toBe(0);
  });

  it('does accept it from an origin in TRIBUTARY_CORS_ORIGINS, and same-site or non-browser calls as before', async () => {
    const { api } = await t.startServer({ corsOrigins: ['https://app.example'] });
    await deployWithCredentials(api, 'x2', [{ path: '/open', method: 'GET' }]);
    expect((await api('GET', '/hooks/x2/open', undefined, { ...crossSite, Origin: 'https://app.example' })).status).toBe(202);
    expect((await api('GET', '/hooks/x2/open', undefined, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(202);
    expect((await api('GET', '/hooks/x2/open')).status).toBe(202);
  });

  it('does leave a webhook with auth to its own check', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 'x3', [{ path: '/in', auth: { mode: 'shared-secret', credential: 'shared' } }]);
    expect((await api('POST', '/hooks/x3/in', BODY, { ...json, ...crossSite, 'X-Webhook-Token': TOKEN })).status).toBe(202);
    expect((await api('POST', '/hooks/x3/in', BODY, { ...json, ...crossSite })).status).toBe(401);
  });
});

describe('when a webhook requires a shared secret', () => {
  const t = useServers();

  it("does accept the credential's header and value, and strip that header from the attributes", async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 's1', [{ path: '/in', auth: { mode: 'shared-secret', credential: 'shared' } }]);
    const res = await api('POST', '/hooks/s1/in', BODY, { ...json, 'x-webhook-token': TOKEN, 'X-Other': 'kept' });
    expect(res.status).toBe(202);
    await finishedRun(api, res.body.runId);
    const [line] = fileLines(t.dataDir, 's1.jsonl') as Array<{ attrs: { headers: Record<string, string> } }>;
    expect(line!.attrs.headers['x-other']).toBe('kept');
    expect(line!.attrs.headers).not.toHaveProperty('x-webhook-token');
    expect(JSON.stringify((await api('GET', `/api/runs/${res.body.runId}`)).body)).not.toContain(TOKEN);
  });

  it('does answer 401 for a missing or wrong secret, or the secret in another header', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 's2', [{ path: '/in', auth: { mode: 'shared-secret', credential: 'shared' } }]);
    const attempts: Array<Record<string, string>> = [{}, { 'X-Webhook-Token': 'wrong' }, { 'X-Webhook-Token': `${TOKEN}x` }, { Authorization: `Bearer ${TOKEN}` }];
    for (const headers of attempts) {
      const res = await api('POST', '/hooks/s2/in', BODY, { ...json, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.text).not.toContain(TOKEN);
    }
  });

  it('does answer 500 (logged, retryable by the caller) when the credential was deleted after the deploy', async () => {
    const { api } = await t.startServer();
    await deployWithCredentials(api, 's3', [{ path: '/in', auth: { mode: 'shared-secret', credential: 'shared' } }]);
    expect((await api('DELETE', '/api/credentials/shared')).status).toBe(204);
    const res = await api('POST', '/hooks/s3/in', BODY, { ...json, 'X-Webhook-Token': TOKEN });
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('shared');
  });
});

describe('when the API requires a token', () => {
  const t = useServers();

  it('does serve webhooks without it, while the API answers 401', async () => {
    const { api } = await t.startServer({ token: 'api-token' });
    const auth = { Authorization: 'Bearer api-token' };
    expect((await api('POST', '/api/flows', hookFlow('tk', [{ path: '/in' }]), auth)).status).toBe(201);
    expect((await api('POST', '/api/flows/tk/deploy', undefined, auth)).status).toBe(200);
    expect((await api('GET', '/api/deployments')).status).toBe(401);
    expect((await api('GET', '/api/credentials')).status).toBe(401);
    expect((await api('POST', '/hooks/tk/in', { a: 1 })).status).toBe(202);
  });
});
