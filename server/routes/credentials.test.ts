import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { useServers } from '../../test/server';

const SECRETS = { password: 'pw-s3cret-1', token: 'tok-s3cret-2', value: 'hdr-s3cret-3', sasl: 'sasl-s3cret-4' };
const CREDENTIALS = {
  basic: { type: 'http-basic', username: 'ann', password: SECRETS.password },
  bearer: { type: 'http-bearer', token: SECRETS.token },
  header: { type: 'http-header', name: 'X-Api-Key', value: SECRETS.value },
  kafka: { type: 'kafka-sasl', mechanism: 'scram-sha-256', username: 'svc', password: SECRETS.sasl },
};
const noSecretIn = (text: string) => Object.values(SECRETS).forEach((s) => expect(text).not.toContain(s));

/** A pino logger at the most verbose level, keeping every line it writes. */
function capturingLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'trace' }, { write: (line: string) => lines.push(line) }) };
}

describe('when credentials are stored over REST', () => {
  const t = useServers();

  it('does store each type, answer with name and type only, and list names and types only', async () => {
    const { api } = await t.startServer();
    for (const [name, credential] of Object.entries(CREDENTIALS)) {
      const stored = await api('PUT', `/api/credentials/${name}`, credential);
      expect(stored.status).toBe(200);
      expect(stored.body).toEqual({ name, type: credential.type });
      noSecretIn(stored.text);
    }
    const listed = await api('GET', '/api/credentials');
    expect(listed.body.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['basic', 'http-basic'],
      ['bearer', 'http-bearer'],
      ['header', 'http-header'],
      ['kafka', 'kafka-sasl'],
    ]);
    expect(Object.keys(listed.body[0]).sort()).toEqual(['name', 'type', 'updatedAt']);
    noSecretIn(listed.text);
  });

  it('does keep the secret encrypted in Redis, and usable by the engine', async () => {
    const { api, engine } = await t.startServer();
    await api('PUT', '/api/credentials/header', CREDENTIALS.header);
    const raw = await t.redis.connection().hgetall(`${t.redis.prefix}:credentials`);
    expect(Object.keys(raw)).toEqual(['header']);
    noSecretIn(JSON.stringify(raw));
    expect(await engine.credentials.get('header', 'http-header')).toEqual(CREDENTIALS.header);
  });

  it('does replace a credential of the same name, even with another type', async () => {
    const { api, engine } = await t.startServer();
    await api('PUT', '/api/credentials/crm', CREDENTIALS.basic);
    expect((await api('PUT', '/api/credentials/crm', CREDENTIALS.bearer)).body).toEqual({ name: 'crm', type: 'http-bearer' });
    expect((await api('GET', '/api/credentials')).body).toEqual([expect.objectContaining({ name: 'crm', type: 'http-bearer' })]);
    expect(await engine.credentials.get('crm', 'http-bearer')).toEqual(CREDENTIALS.bearer);
  });

  it('does delete one (204), then answer 404 for it', async () => {
    const { api } = await t.startServer();
    await api('PUT', '/api/credentials/gone', CREDENTIALS.bearer);
    expect((await api('DELETE', '/api/credentials/gone')).status).toBe(204);
    expect((await api('DELETE', '/api/credentials/gone')).status).toBe(404);
    expect((await api('DELETE', '/api/credentials/.hidden')).status).toBe(404);
    expect((await api('GET', '/api/credentials')).body).toEqual([]);
  });

  it('does refuse a name that is not a safe id with 400', async () => {
    const { api } = await t.startServer();
    for (const name of ['.hidden', 'a%20b', 'x'.repeat(65), '-dash', 'a%2Fb']) {
      const res = await api('PUT', `/api/credentials/${name}`, CREDENTIALS.bearer);
      expect(res.status, name).toBe(400);
      expect(res.body.detail).toMatch(/credential name must match/);
    }
    expect((await api('GET', '/api/credentials')).body).toEqual([]);
  });

  it('does refuse what is not one of the four credential types with 400, naming the place and never the secret', async () => {
    const { api } = await t.startServer();
    const cases: Array<[unknown, Array<{ pointer: string; message: string | RegExp }>]> = [
      [{ token: SECRETS.token }, [{ pointer: '/type', message: /must be one of "http-basic", "http-bearer", "http-header", "kafka-sasl"/ }]],
      [{ type: 'ssh-key', token: SECRETS.token }, [{ pointer: '/type', message: /must be one of/ }]],
      [{ type: 'http-basic', username: 'ann' }, [{ pointer: '/password', message: 'is required' }]],
      [{ type: 'http-bearer', token: SECRETS.token, extra: 1 }, [{ pointer: '/extra', message: 'is not a known property here' }]],
      [{ type: 'http-bearer', token: '' }, [{ pointer: '/token', message: /must NOT have fewer than 1 characters/ }]],
      [{ type: 'http-header', name: 'X-Api-Key', value: `${SECRETS.value}\r\nX-Evil: 1` }, [{ pointer: '/value', message: /must match pattern/ }]],
      [{ type: 'http-header', name: 'Bad Header', value: SECRETS.value }, [{ pointer: '/name', message: /must match pattern/ }]],
      [{ type: 'http-basic', username: 'a:b', password: SECRETS.password }, [{ pointer: '/username', message: /must match pattern/ }]],
      [{ type: 'kafka-sasl', mechanism: 'gssapi', username: 'svc', password: SECRETS.sasl }, [{ pointer: '/mechanism', message: /must/ }]],
      [[CREDENTIALS.bearer], [{ pointer: '/type', message: /must be one of/ }]],
      ['just text', [{ pointer: '/type', message: /must be one of/ }]],
    ];
    for (const [body, problems] of cases) {
      const res = await api('PUT', '/api/credentials/c1', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.problems, JSON.stringify(body)).toEqual(expect.arrayContaining(problems.map((p) => expect.objectContaining({ pointer: p.pointer, message: expect.stringMatching(p.message) }))));
      noSecretIn(res.text);
    }
    const malformed = await api('PUT', '/api/credentials/c1', `{"type":"http-bearer","token":"${SECRETS.token}"`, { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    noSecretIn(malformed.text);
    expect((await api('GET', '/api/credentials')).body).toEqual([]);
  });

  it('does never hand a request body to the logger, even when the request fails', async () => {
    const { lines, logger } = capturingLogger();
    const { api } = await t.startServer({ engine: { logger } });
    for (const [name, credential] of Object.entries(CREDENTIALS)) await api('PUT', `/api/credentials/${name}`, credential);
    await api('PUT', '/api/credentials/bad', { type: 'http-basic', username: 'ann', password: SECRETS.password, extra: true });
    // Break the store (the hash becomes a string) so that the next PUT fails on our side and is logged.
    await t.redis.connection().set(`${t.redis.prefix}:credentials`, 'not a hash');
    const failed = await api('PUT', '/api/credentials/later', CREDENTIALS.header);
    expect(failed.status).toBe(500);
    noSecretIn(failed.text);
    expect(lines.some((l) => l.includes('request failed') && l.includes('/api/credentials/later'))).toBe(true);
    noSecretIn(lines.join('\n'));
  });
});
