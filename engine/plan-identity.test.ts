/**
 * Plan identity: a revision number doesn't name a document. A flow deleted and created again
 * with the same id starts at revision 1 again, and two servers with their own data directories
 * on one Redis each have a revision 1 — every deploy has its own deployment id, carried by plans,
 * jobs, runs and dead letters, and a stored plan is never overwritten by another.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { edge, fakeApi, fileLines, flowDoc, reply } from '../test/policy-fixtures';
import type { Engine } from './engine';

const FLOW = 'reborn';

/** inject "in" → file "out" writing to `file`. */
const toFile = (file: string) => flowDoc(FLOW, [{ id: 'in', type: 'inject' }, { id: 'out', type: 'file', config: { path: file } }], [edge('e1', 'in', 'out')]);

const finished = (engine: Engine, runId: string) =>
  eventually(async () => (await engine.runs.getRun(FLOW, runId))?.summary.status !== 'running' && (await engine.runs.getRun(FLOW, runId))?.summary, `run ${runId} finished`);

describe('when a flow is deleted and a different one is created with its id', () => {
  const t = useEngines();

  it('runs the new flow\'s plan at its revision 1, while the old plan stays as it was', async () => {
    const engine = await t.start();
    const old = await engine.deploy(toFile('old.jsonl'), 1);
    const first = await engine.trigger(FLOW, 'in', { n: 1 });
    await finished(engine, first.runId);
    expect(await engine.undeploy(FLOW)).toBe(true);

    // Deleted and created again: a different document, at revision 1 again.
    const reborn = await engine.deploy(toFile('new.jsonl'), 1);
    expect(reborn.revision).toBe(1);
    expect(reborn.deployment).not.toBe(old.deployment);
    const second = await engine.trigger(FLOW, 'in', { n: 2 });
    expect(await finished(engine, second.runId)).toMatchObject({ status: 'completed', revision: 1, deployment: reborn.deployment });

    expect(fileLines(t.dataDir, 'old.jsonl')).toEqual([{ n: 1 }]);
    expect(fileLines(t.dataDir, 'new.jsonl')).toEqual([{ n: 2 }]);
    // Both plans are kept, each under its own deployment.
    const stored = async (deployment: string) => JSON.parse((await engine.redis.get(engine.keys.plan(FLOW, deployment)))!).nodes.out.config.path;
    expect(await stored(old.deployment)).toBe('old.jsonl');
    expect(await stored(reborn.deployment)).toBe('new.jsonl');
  });

  it('names the deployment in the jobs and the dead letters of its messages', async () => {
    const api = await fakeApi(t, (_req, _n, res) => reply(res, 400));
    const engine = await t.start();
    const plan = await engine.deploy(
      flowDoc(FLOW, [{ id: 'in', type: 'inject' }, { id: 'send', type: 'http-request', config: { url: JSON.stringify(`${api.origin}/x`) } }], [edge('e1', 'in', 'send')]),
      1,
    );
    const { runId } = await engine.trigger(FLOW, 'in', { n: 1 });
    await finished(engine, runId);
    const [letter] = (await engine.deadLetters.list(FLOW)).items;
    expect(letter).toMatchObject({ revision: 1, deployment: plan.deployment, message: { runId } });
  });
});

describe('when two engines with their own data directories share one Redis', () => {
  const t = useEngines();

  it('keeps each deploy\'s plan: a redeploy of the same revision elsewhere does not overwrite it', async () => {
    const a = await t.start({ workers: false });
    const b = await t.start({ workers: false });
    const planA = await a.deploy(toFile('a.jsonl'), 1);
    const planB = await b.deploy(toFile('b.jsonl'), 1);
    expect(planB.deployment).not.toBe(planA.deployment);
    expect(JSON.parse((await a.redis.get(a.keys.plan(FLOW, planA.deployment)))!).nodes.out.config.path).toBe('a.jsonl');
    // The deployed one is the last deploy's, and every process runs that one.
    expect((await a.currentPlan(FLOW))?.deployment).toBe(planB.deployment);
  });
});
