/**
 * A webhook caller steering one expression to allocate without limit, through a real `npm start`
 * process (server/main.ts as a child: if the bound regresses, the child dies, not vitest).
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../test/engine';
import { useAppProcesses } from '../test/app-process';
import { useRedis } from '../test/redis';
import { edge, flowDoc } from '../test/server-fixtures';

describe('when a webhook payload makes an expression allocate without limit', () => {
  const r = useRedis(); // first: its cleanup runs after the process is killed
  const apps = useAppProcesses();

  it('does dead-letter that message for good with MEMORY_LIMIT, and the process goes on serving', { timeout: 90_000 }, async () => {
    const app = await apps.spawn('start', { redisUrl: r.url, prefix: r.prefix });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    };
    const doc = flowDoc(
      'steered',
      [
        { id: 'hook', type: 'webhook', config: { path: '/pad' } },
        { id: 'grow', type: 'map', config: { expression: '{ "length": $length($pad("", $number(n), "x")) }' } },
        { id: 'out', type: 'file', config: { path: 'steered.jsonl' } },
      ],
      [edge('e1', 'hook', 'grow'), edge('e2', 'grow', 'out')],
    );
    expect((await api('POST', '/api/flows', doc)).status).toBe(201);
    expect((await api('POST', '/api/flows/steered/deploy')).status).toBe(200);

    const big = await api('POST', '/hooks/steered/pad', { n: '200000000' });
    expect(big.status).toBe(202);
    const letter = await eventually(async () => (await api('GET', '/api/flows/steered/dead-letters')).body?.items?.[0], 'the dead letter');
    expect(letter).toMatchObject({ nodeId: 'grow', attempts: 1, error: { kind: 'permanent', code: 'MEMORY_LIMIT' } });
    const failed = await eventually(async () => {
      const { body } = await api('GET', `/api/runs/${encodeURIComponent(big.body.runId)}`);
      return body?.summary?.status === 'failed' ? body : undefined;
    }, 'the run failed');
    expect(failed.summary.status).toBe('failed');

    const small = await api('POST', '/hooks/steered/pad', { n: '3' });
    expect(small.status).toBe(202);
    await eventually(async () => (await api('GET', `/api/runs/${encodeURIComponent(small.body.runId)}`)).body?.summary?.status === 'completed' || undefined, 'the next run completed');
    expect(app.child.exitCode).toBeNull();
    expect(app.child.signalCode).toBeNull();
  });
});
