/**
 * The source contract (nodes/source-contract.ts) proven with a fifth kind of source that only this
 * test registers: `test-generator` (test/fixtures/generator-source.ts), a subscription reading an
 * in-process topic. It is handed to the engine through its options alone — catalogue, runtimes,
 * sources — and the engine deploys it, holds it back under back-pressure, replaces it on a
 * redeploy and stops it on undeploy, with nothing in engine/ or server/ naming it.
 *
 * Every flow is `test-generator "gen" → file "out"`, writing each item with the revision it ran on.
 * Waits are on what the file, the topic's event log or Redis shows, never on how fast anything runs.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/engine';
import { eventually, useEngines } from './engine';
import { edge, fileLines, flowDoc } from './policy-fixtures';
import { useServers } from './server';
import { GENERATOR_TYPE, generatorTopic, withGenerator, type GeneratorTopic } from './fixtures/generator-source';

const FLOW = 'generated';

const generatorFlow = (topic: string, options: { backlogLimit?: number; problem?: string } = {}) => ({
  ...flowDoc(
    FLOW,
    [
      { id: 'gen', type: GENERATOR_TYPE, config: { topic, ...(options.problem !== undefined && { problem: options.problem }) } },
      { id: 'out', type: 'file', config: { path: 'out.jsonl', value: '{ "n": n, "revision": $attrs.revision }' } },
    ],
    [edge('e1', 'gen', 'out')],
  ),
  ...(options.backlogLimit !== undefined && { settings: { backlogLimit: options.backlogLimit } }),
});

const items = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ n: from + i }));

type Line = { n: number; revision: number };

/** Resolves once the file holds `count` lines; they are returned sorted by item. */
async function written(dataDir: string, count: number): Promise<Line[]> {
  const lines = await eventually(() => {
    const got = fileLines(dataDir, 'out.jsonl') as Line[];
    return got.length >= count ? got : undefined;
  }, `${count} lines in the file`);
  return [...lines].sort((a, b) => a.n - b.n);
}

const processesOf = (topic: GeneratorTopic, event: 'start' | 'stop', revision?: number) => new Set(topic.of(event, revision).map((e) => e.process));

const emittedCount = (topic: GeneratorTopic) => topic.events.filter((e) => e.event === 'emitted').length;

describe('when a flow with a fifth kind of source is deployed', () => {
  const t = useEngines();

  it('starts a member in every engine process, one started later too, and each item runs once', async () => {
    const topic = generatorTopic('every-process', items(0, 20));
    const first = await t.start(withGenerator());
    await first.deploy(generatorFlow('every-process'), 1);
    expect((await written(t.dataDir, 20)).map((l) => l.n)).toEqual(items(0, 20).map((i) => i.n));

    const later = await t.start({ ...withGenerator(), workers: false });
    await eventually(() => processesOf(topic, 'start').size === 2, 'a member in the later process');
    expect(processesOf(topic, 'start')).toEqual(new Set([first.processId, later.processId]));
    const members = await eventually(async () => {
      const listed = await first.sourceStatus(FLOW);
      return listed.length === 2 && listed.every((m) => m.state === 'running') ? listed : undefined;
    }, 'both members listed as running');
    expect(members.map((m) => m.process).sort()).toEqual([first.processId, later.processId].sort());

    topic.push(...items(20, 40));
    const lines = await written(t.dataDir, 40);
    expect(lines.map((l) => l.n)).toEqual(items(0, 40).map((i) => i.n)); // every item once
  });

  it('pauses its members when the backlog reaches the bound, and resumes them once it is below', async () => {
    const topic = generatorTopic('pressure', items(0, 40));
    // No workers here: every emit waits in the queue, so the backlog only grows.
    const api = await t.start({ ...withGenerator(), workers: false });
    await api.deploy(generatorFlow('pressure', { backlogLimit: 5 }), 1);

    await eventually(() => topic.of('pause').length === 1, 'the member paused');
    expect(await api.backlog(FLOW)).toBeGreaterThanOrEqual(5);
    const atPause = emittedCount(topic);
    expect(atPause).toBeGreaterThanOrEqual(5);
    expect(atPause).toBeLessThan(40);
    expect(topic.of('resume')).toEqual([]);
    await eventually(async () => (await api.sourceStatus(FLOW))[0]?.state === 'paused', 'the member listed as paused');

    // Workers elsewhere (a process that runs no subscriptions) drain the backlog: the member reads on.
    await t.start({ ...withGenerator(), subscriptions: false });
    const lines = await written(t.dataDir, 40);
    expect(lines.map((l) => l.n)).toEqual(items(0, 40).map((i) => i.n));
    expect(topic.of('resume').length).toBeGreaterThanOrEqual(1);
    const firstPause = topic.events.findIndex((e) => e.event === 'pause');
    const firstResume = topic.events.findIndex((e) => e.event === 'resume');
    expect(firstResume).toBeGreaterThan(firstPause);
    // Emits went on only after the resume.
    expect(topic.events.slice(firstPause, firstResume).filter((e) => e.event === 'emitted').length).toBeLessThanOrEqual(1);
  });

  it('replaces its member on a redeploy: the old one stopped first, new items run on the new revision', async () => {
    const topic = generatorTopic('redeploy', items(0, 10));
    const engine = await t.start(withGenerator());
    await engine.deploy(generatorFlow('redeploy'), 1);
    expect((await written(t.dataDir, 10)).every((l) => l.revision === 1)).toBe(true);
    const oldContext = topic.contexts.at(-1)!;

    await engine.deploy(generatorFlow('redeploy'), 2);
    await eventually(() => topic.of('start', 2).length === 1, 'a member of revision 2');
    const stopOld = topic.events.findIndex((e) => e.event === 'stop' && e.revision === 1);
    const startNew = topic.events.findIndex((e) => e.event === 'start' && e.revision === 2);
    expect(stopOld).toBeGreaterThanOrEqual(0);
    expect(stopOld).toBeLessThan(startNew);
    expect(oldContext.signal.aborted).toBe(true);

    topic.push(...items(10, 20));
    const lines = await written(t.dataDir, 20);
    expect(lines.map((l) => l.n)).toEqual(items(0, 20).map((i) => i.n));
    expect(lines.filter((l) => l.n >= 10).every((l) => l.revision === 2)).toBe(true);
    const runs = (await engine.runs.listRuns(FLOW, { offset: 0, limit: 100 })).items;
    expect(runs.filter((r) => r.revision === 2)).toHaveLength(10); // the new items' runs, on the new revision
    const listed = await eventually(async () => {
      const members = await engine.sourceStatus(FLOW);
      return members.length === 1 && members[0]!.revision === 2 ? members : undefined;
    }, 'one member, of revision 2');
    expect(listed[0]).toMatchObject({ nodeId: 'gen', process: engine.processId, state: 'running' });
  });

  it('stops its member on undeploy: its emits are refused from then on, and it is no longer listed', async () => {
    const topic = generatorTopic('undeploy', items(0, 5));
    const engine = await t.start(withGenerator());
    await engine.deploy(generatorFlow('undeploy'), 1);
    await written(t.dataDir, 5);
    const context = topic.contexts.at(-1)!;

    await engine.undeploy(FLOW);
    await eventually(() => topic.of('stop').length === 1, 'the member stopped');
    expect(context.signal.aborted).toBe(true);
    await expect(context.emit({ key: 'late', payload: { n: 99 } })).rejects.toMatchObject({ name: 'SourceStoppedError' });
    expect(await engine.sourceStatus(FLOW)).toEqual([]);
    expect(await engine.runs.listRuns(FLOW, { offset: 0, limit: 100 }).then((page) => page.items.length)).toBe(5);
  });

  it('stops its member when the engine process shuts down', async () => {
    const topic = generatorTopic('shutdown', items(0, 3));
    const engine: Engine = await t.start(withGenerator());
    await engine.deploy(generatorFlow('shutdown'), 1);
    await written(t.dataDir, 3);
    await engine.close();
    expect(processesOf(topic, 'stop')).toEqual(new Set([engine.processId]));
  });
});

describe('when a fifth kind of source has problems', () => {
  const t = useServers();

  it('lists a failed start and a reported problem under GET /api/deployments, and starts the member again', async () => {
    const topic = generatorTopic('problems', items(0, 3));
    topic.unreachable = true;
    const { api, engine } = await t.startServer({ engine: withGenerator() });
    await engine.deploy(generatorFlow('problems', { problem: 'lagging behind' }), 1);

    type Listed = { flowId: string; sources: Array<{ nodeId: string; process: string; state: string; problem?: string }> };
    const sourcesListed = async () => ((await api('GET', '/api/deployments')).body as Listed[])[0]?.sources ?? [];
    const failed = await eventually(async () => (await sourcesListed()).find((m) => m.state === 'failed'), 'the failed start listed');
    expect(failed).toMatchObject({ nodeId: 'gen', process: engine.processId, problem: 'the generator is not reachable yet' });

    // Started again and again after a pause, until it can: then it runs, and what it reports is
    // listed in place of the failure.
    topic.unreachable = false;
    const running = await eventually(async () => (await sourcesListed()).find((m) => m.state === 'running' && m.problem === 'lagging behind'), 'the restarted member listed');
    expect(running).toMatchObject({ nodeId: 'gen', process: engine.processId });
    expect((await written(t.dataDir, 3)).map((l) => l.n)).toEqual([0, 1, 2]);
  });

  it('lists the lag its members tell under GET /api/deployments and in /metrics', async () => {
    const topic = generatorTopic('lagging', items(0, 10));
    // No workers: the member pauses at the bound with items left unread.
    const { api, engine } = await t.startServer({ engine: { ...withGenerator(), workers: false } });
    await engine.deploy(generatorFlow('lagging', { backlogLimit: 3 }), 1);
    await eventually(() => topic.of('pause').length === 1, 'the member paused');
    const unread = topic.unread;
    expect(unread).toBeGreaterThan(0);

    type Listed = { sources: Array<{ state: string; lag?: Array<{ topic: string; partition: number; lag: number }> }> };
    const member = await eventually(async () => {
      const [listed] = (await api('GET', '/api/deployments')).body as Listed[];
      return listed?.sources.find((m) => m.state === 'paused' && m.lag?.[0]?.lag === unread);
    }, 'the lag listed');
    expect(member.lag).toEqual([{ topic: 'lagging', partition: 0, lag: unread }]);
    const metrics = await api('GET', '/metrics');
    expect(metrics.text).toContain(`tributary_source_lag{flow="${FLOW}",node="gen",topic="lagging",partition="0"} ${unread}`);
  });
});
