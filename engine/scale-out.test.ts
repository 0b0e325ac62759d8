import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEngines } from '../test/engine';
import { useWorkerProcesses } from '../test/processes';

const linesIn = (file: string): Array<{ i: number }> => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('when several worker processes share one Redis', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();

  it("shares a flow's work between them, each picking up the deployment by itself", async () => {
    const api = await t.start({ workers: false });
    // Each process gets its own data directory, so the file sink shows who did what.
    const dirs = ['a', 'b'].map((name) => join(t.dataDir, name));
    dirs.forEach((dir) => mkdirSync(dir));
    await Promise.all(dirs.map((dataDir) => workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir, concurrency: 4 })));
    const traces = await t.traces();
    await api.deploy(
      {
        format: 'tributary.flow/v1',
        id: 'shared',
        name: 'shared',
        nodes: [
          { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
          { id: 'out', type: 'file', position: { x: 200, y: 0 }, config: { path: 'out.jsonl' } },
        ],
        edges: [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'out', port: 'in' } }],
      },
      1,
    );
    const total = 300;
    for (let i = 0; i < total; i++) await api.trigger('shared', 'in', { i });
    await traces.until((events) => events.filter((e) => e.type === 'run:finished').length === total);
    const [byA, byB] = dirs.map((dir) => linesIn(join(dir, 'files', 'out.jsonl')));
    expect(byA!.length).toBeGreaterThan(0);
    expect(byB!.length).toBeGreaterThan(0);
    const all = [...byA!, ...byB!].map((l) => l.i).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
