import { describe, expect, it } from 'vitest';
import { useServers } from '../test/server';
import { deployOverApi, hookFlow, injectToFile } from '../test/server-fixtures';

/** `{"a":[[[…]]]}`: a few hundred kilobytes, well within the 1 MiB body limit. */
const nested = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('when a payload within the body limit is nested very deeply', () => {
  const t = useServers();

  it('does answer 400 on a webhook and on a trigger, and starts no run', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, injectToFile('inj'));
    await deployOverApi(api, hookFlow('wh', [{ path: '/in' }]));
    for (const depth of [10_000, 200_000]) {
      const trigger = await api('POST', '/api/flows/inj/trigger', `{"node":"in","payload":${nested(depth)}}`, { 'content-type': 'application/json' });
      const hook = await api('POST', '/hooks/wh/in', nested(depth), { 'content-type': 'application/json' });
      expect([trigger.status, trigger.body.detail]).toEqual([400, 'the payload is nested deeper than 512 levels']);
      expect([hook.status, hook.body.detail]).toEqual([400, 'the payload is nested deeper than 512 levels']);
    }
    // Without the check each of these left a run "running" for good.
    expect((await api('GET', '/api/flows/inj/runs')).body.total).toBe(0);
    expect((await api('GET', '/api/flows/wh/runs')).body.total).toBe(0);
  });

  it('does still take a payload nested as deep as real documents go', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, hookFlow('ok', [{ path: '/in' }]));
    expect((await api('POST', '/hooks/ok/in', nested(500), { 'content-type': 'application/json' })).status).toBe(202);
  });
});
