/**
 * Undeploy and the lifecycle of deployments: an undeployed flow takes nothing more in while what
 * is in flight drains; deploying is idempotent and reflected by `deployed()`; every engine process
 * — started before or after a deploy — follows the deployments through Redis.
 *
 * The receiver holds requests open where a test needs messages to stay in flight, so no step
 * depends on how fast anything runs.
 */
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Engine } from './engine';
import { NotDeployedError } from './ingest';
import { eventually, useEngines } from '../test/engine';
import { useWorkerProcesses } from '../test/processes';
import { edge, fakeApi, flowDoc, reply, type FakeApi, type SeenRequest } from '../test/policy-fixtures';
import type { TestEngines } from '../test/engine';

const FLOW = 'intake';

/** inject "in" and webhook "hook" → map "tag" (`{ rev, i }`) → http-request "send" to the receiver. */
const intake = (rev: number, origin: string) =>
  flowDoc(
    FLOW,
    [
      { id: 'in', type: 'inject' },
      { id: 'hook', type: 'webhook', config: { path: '/intake' } },
      { id: 'tag', type: 'map', config: { expression: `{ "rev": ${rev}, "i": i }` } },
      { id: 'send', type: 'http-request', config: { url: JSON.stringify(`${origin}/effects`) } },
    ],
    [edge('e1', 'in', 'tag'), edge('e2', 'hook', 'tag'), edge('e3', 'tag', 'send')],
  );

interface Effect extends SeenRequest {
  body: { rev: number; i: number };
}

/** A receiver that answers at once — or, while `closed`, holds every request until `open()`. */
async function gatedReceiver(t: TestEngines) {
  const held: http.ServerResponse[] = [];
  let closed = false;
  const api: FakeApi = await fakeApi(t, (_request, _n, res) => (closed ? held.push(res) : reply(res, 200)));
  return {
    origin: api.origin,
    effects: api.seen as Effect[],
    get held() {
      return held.length;
    },
    close() {
      closed = true;
    },
    open() {
      closed = false;
      held.splice(0).forEach((res) => reply(res, 200));
    },
  };
}

/** BullMQ workers (in any process) connected to the flow's queue. */
const workersOf = async (engine: Engine, flowId = FLOW) => (await engine.queue(flowId).getWorkers()).length;

const indices = (effects: Effect[], rev: number) => effects.filter((e) => e.body.rev === rev).map((e) => e.body.i).sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('when a flow is undeployed while messages are in flight', () => {
  const t = useEngines();

  it('refuses new messages at once, drains those in flight to the sink, then closes its worker and keeps the plan', async () => {
    const receiver = await gatedReceiver(t);
    const engine = await t.start({ concurrency: 4 });
    await engine.deploy(intake(1, receiver.origin), 1);
    receiver.close();
    for (let i = 0; i < 10; i++) await engine.ingest(FLOW, { nodeId: 'hook', payload: { i }, idempotencyKey: `m-${i}` });
    for (let i = 10; i < 20; i++) await engine.trigger(FLOW, 'in', { i });
    await eventually(() => receiver.held === 4, 'every worker slot held at the sink');

    const undeploying = engine.undeploy(FLOW);
    await eventually(async () => !(await engine.deployed()).has(FLOW), 'the flow gone from the deployments');
    await expect(engine.ingest(FLOW, { nodeId: 'hook', payload: { i: 98 } })).rejects.toBeInstanceOf(NotDeployedError);
    await expect(engine.trigger(FLOW, 'in', { i: 99 })).rejects.toBeInstanceOf(NotDeployedError);
    // Nothing has completed yet, and the worker is still there to drain the 20 in flight.
    expect(receiver.effects).toHaveLength(4);
    expect(await workersOf(engine)).toBeGreaterThan(0);

    receiver.open();
    expect(await undeploying).toBe(true);
    await eventually(() => receiver.effects.length >= 20, 'the drained messages at the sink');
    expect(indices(receiver.effects, 1)).toEqual(range(20)); // each exactly once, the refused two never
    await eventually(async () => (await workersOf(engine)) === 0, 'the worker closed after the drain');
    const counts = await engine.queue(FLOW).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    // The plan of the revision stays (with its TTL) for whatever still needs it.
    const plan = engine.keys.plan(FLOW, (await engine.runs.listRuns(FLOW, { offset: 0, limit: 1 })).items[0]!.deployment!);
    expect(await t.redis.redis.exists(plan)).toBe(1);
    expect(await t.redis.redis.ttl(plan)).toBeGreaterThan(0);
  });

  it('resumes taking messages in when the flow is deployed again', async () => {
    const receiver = await gatedReceiver(t);
    const engine = await t.start();
    await engine.deploy(intake(1, receiver.origin), 1);
    await engine.trigger(FLOW, 'in', { i: 0 });
    await eventually(() => receiver.effects.length === 1, 'the first message at the sink');
    expect(await engine.undeploy(FLOW)).toBe(true);
    await eventually(async () => (await workersOf(engine)) === 0, 'the worker closed');

    await engine.deploy(intake(1, receiver.origin), 1); // the same revision again
    await engine.trigger(FLOW, 'in', { i: 1 });
    await engine.deploy(intake(2, receiver.origin), 2);
    await engine.ingest(FLOW, { nodeId: 'hook', payload: { i: 2 } });

    await eventually(() => receiver.effects.length === 3, 'the messages after the redeploy at the sink');
    expect(indices(receiver.effects, 1)).toEqual([0, 1]);
    expect(indices(receiver.effects, 2)).toEqual([2]);
    expect(await workersOf(engine)).toBeGreaterThan(0);
  });
});

describe('when deployments change', () => {
  const t = useEngines();

  it('does no harm to deploy the same revision twice, also with messages in flight', async () => {
    const receiver = await gatedReceiver(t);
    const engine = await t.start({ concurrency: 2 });
    await engine.deploy(intake(1, receiver.origin), 1);
    const workers = await eventually(() => workersOf(engine), 'the worker started');
    receiver.close();
    for (let i = 0; i < 6; i++) await engine.trigger(FLOW, 'in', { i });
    await eventually(() => receiver.held === 2, 'the worker busy at the sink');

    await engine.deploy(intake(1, receiver.origin), 1);

    expect(await engine.deployed()).toEqual(new Map([[FLOW, 1]]));
    expect(await workersOf(engine)).toBe(workers); // no second worker
    receiver.open();
    await eventually(() => receiver.effects.length >= 6, 'every message at the sink');
    await engine.trigger(FLOW, 'in', { i: 6 });
    await eventually(() => receiver.effects.length >= 7, 'a message after the second deploy at the sink');
    expect(indices(receiver.effects, 1)).toEqual(range(7));
  });

  it('reports in deployed() which flows are deployed at which revision', async () => {
    const receiver = await gatedReceiver(t);
    const engine = await t.start({ workers: false });
    const other = (rev: number) => ({ ...intake(rev, receiver.origin), id: 'other', name: 'other' });
    expect(await engine.deployed()).toEqual(new Map());

    await engine.deploy(intake(1, receiver.origin), 1);
    await engine.deploy(other(1), 1);
    expect(await engine.deployed()).toEqual(new Map([[FLOW, 1], ['other', 1]]));

    await engine.deploy(intake(2, receiver.origin), 2);
    expect(await engine.deployed()).toEqual(new Map([[FLOW, 2], ['other', 1]]));
    expect((await engine.currentPlan(FLOW))?.revision).toBe(2);

    expect(await engine.undeploy('other')).toBe(true);
    expect(await engine.undeploy('other')).toBe(false);
    expect(await engine.deployed()).toEqual(new Map([[FLOW, 2]]));
    expect(await engine.currentPlan('other')).toBeUndefined();
  });
});

describe('when the process that undeploys a flow does not drain it', () => {
  const t = useEngines();

  it('is drained by a process started later, which then ends the draining state and lets go of the flow', async () => {
    const receiver = await gatedReceiver(t);
    // Nothing in this process runs deliveries: as good as a process that died after undeploying.
    const api = await t.start({ workers: false });
    await api.deploy(intake(1, receiver.origin), 1);
    for (let i = 0; i < 3; i++) await api.ingest(FLOW, { nodeId: 'hook', payload: { i }, idempotencyKey: `late-${i}` });
    expect(await api.undeploy(FLOW)).toBe(true);
    expect(await api.deployed()).toEqual(new Map());

    await t.start(); // never saw the flow deployed

    await eventually(() => receiver.effects.length === 3, 'the messages acknowledged before the undeploy at the sink');
    expect(indices(receiver.effects, 1)).toEqual(range(3));
    await eventually(async () => (await t.redis.redis.hlen(api.keys.draining())) === 0, 'the draining state ended');
    await eventually(async () => (await workersOf(api)) === 0, 'the worker closed after the drain');
    expect(await api.deployed()).toEqual(new Map());
  });
});

describe('when another engine process runs on the same Redis', () => {
  const t = useEngines();
  const processes = useWorkerProcesses();
  const spawn = () => processes.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: t.dataDir });

  it('picks up a flow deployed before it started, from the deployments hash', async () => {
    const receiver = await gatedReceiver(t);
    const api = await t.start({ workers: false }); // nothing in this process runs deliveries
    await api.deploy(intake(1, receiver.origin), 1);
    await api.trigger(FLOW, 'in', { i: 0 });

    await spawn(); // it never saw the deploy's notice: only the hash can tell it

    await eventually(() => receiver.effects.length === 1, 'the message run by the new process');
    expect(indices(receiver.effects, 1)).toEqual([0]);
    expect(await workersOf(api)).toBe(1);
  });

  it('picks up a flow deployed after it started, through the control channel, and lets go of it on undeploy', async () => {
    const receiver = await gatedReceiver(t);
    const api = await t.start({ workers: false });
    const control = t.redis.connection();
    const notices: unknown[] = [];
    control.on('message', (_channel, text: string) => notices.push(JSON.parse(text)));
    await control.subscribe(api.keys.controlChannel());
    await spawn();
    // This test's listener, the API engine's and the worker process's.
    const [, listeners] = (await t.redis.redis.pubsub('NUMSUB', api.keys.controlChannel())) as [string, number];
    expect(listeners).toBe(3);

    await api.deploy(intake(1, receiver.origin), 1);
    await api.trigger(FLOW, 'in', { i: 0 });
    await eventually(() => receiver.effects.length === 1, 'the message run by the worker process');
    expect(await workersOf(api)).toBe(1);

    await api.undeploy(FLOW);
    await eventually(async () => (await workersOf(api)) === 0, 'the worker process letting go of the flow');
    // Undeployed (draining), then drained by the worker process.
    await eventually(() => notices.length === 3, 'the drained notice');
    expect(notices).toEqual([{ flowId: FLOW, revision: 1, deployment: expect.stringMatching(/^1\./) }, { flowId: FLOW, draining: true }, { flowId: FLOW }]);
  });

  it('lets go of an undeployed flow at its next re-read even when it missed the notice', async () => {
    const receiver = await gatedReceiver(t);
    const api = await t.start({ workers: false });
    await spawn();
    await api.deploy(intake(1, receiver.origin), 1);
    await eventually(async () => (await workersOf(api)) === 1, 'the worker process following the deploy');

    // Undeployed behind its back: the hash changes, no notice is published.
    await t.redis.redis.hdel(api.keys.deployments(), FLOW);

    await eventually(async () => (await workersOf(api)) === 0, 'the worker process letting go at its re-read');
  });
});
