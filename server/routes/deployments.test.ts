import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/engine';
import { deployOverApi, finishedRun, injectToFile } from '../../test/server-fixtures';
import { useServers } from '../../test/server';

type Deployment = { flowId: string; revision: number; since: number; workers: number; counts: Record<string, number>; backlog: number; backlogLimit?: number };

describe('when deployments are listed', () => {
  const t = useServers();

  it('does answer an empty list when nothing is deployed', async () => {
    const { api } = await t.startServer();
    const res = await api('GET', '/api/deployments');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('does show each deployed flow with its revision, since when, its workers and its job counts', async () => {
    const { api, engine } = await t.startServer();
    const before = Date.now();
    await deployOverApi(api, injectToFile('w1'));
    await engine.deploy(injectToFile('w2'), 7);
    const after = Date.now();
    const { body } = await api('POST', '/api/flows/w1/trigger', { node: 'in' });
    await finishedRun(api, body.runId);

    const listed: Deployment[] = await eventually(async () => {
      const res = (await api('GET', '/api/deployments')).body as Deployment[];
      return res.every((d) => d.workers >= 1) && res[0]?.counts.completed === 2 ? res : undefined;
    }, 'workers up and the run counted');
    expect(listed.map((d) => [d.flowId, d.revision])).toEqual([
      ['w1', 1],
      ['w2', 7],
    ]);
    for (const d of listed) {
      expect(d.since).toBeGreaterThanOrEqual(before);
      expect(d.since).toBeLessThanOrEqual(after);
      expect(d.backlog).toBe(0);
      expect(d.backlogLimit).toBe(10_000);
    }
    expect(listed[0]!.counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 2, failed: 0 });
    expect(listed[1]!.counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
  });

  it('does count waiting work as backlog, and no workers in an API-only process', async () => {
    const { api } = await t.startServer({ engine: { workers: false } });
    await deployOverApi(api, injectToFile('idle', 'idle.jsonl', { backlogLimit: 5 }));
    await api('POST', '/api/flows/idle/trigger', { node: 'in' });
    await api('POST', '/api/flows/idle/trigger', { node: 'in' });
    const [d] = (await api('GET', '/api/deployments')).body as Deployment[];
    expect(d).toMatchObject({ flowId: 'idle', workers: 0, backlog: 2, backlogLimit: 5, counts: { waiting: 2, active: 0, completed: 0 } });
  });

  it('does follow a redeploy and an undeploy', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, injectToFile('moving'));
    const first = ((await api('GET', '/api/deployments')).body as Deployment[])[0]!;
    await api('PUT', '/api/flows/moving', { ...injectToFile('moving'), name: 'renamed' });
    await api('POST', '/api/flows/moving/deploy');
    const second = ((await api('GET', '/api/deployments')).body as Deployment[])[0]!;
    expect(second.revision).toBe(2);
    expect(second.since).toBeGreaterThanOrEqual(first.since);
    await api('POST', '/api/flows/moving/undeploy');
    expect((await api('GET', '/api/deployments')).body).toEqual([]);
  });
});
