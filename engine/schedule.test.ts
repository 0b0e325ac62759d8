/**
 * Schedules through BullMQ job schedulers (engine/sources.ts): several engine processes, one run
 * per tick; cron in a time zone; ticks missed while no engine ran, skipped or caught up once.
 *
 * Every flow is `schedule "tick" → http-request "send"`, posting the tick's times to a receiver.
 * No step depends on how fast anything runs: waits are on what Redis or the receiver shows.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from './engine';
import { InvalidFlowError } from './plan';
import type { TickOutcome } from './sources';
import { eventually, useEngines, type TestEngines } from '../test/engine';
import { useWorkerProcesses } from '../test/processes';
import { edge, fakeApi, flowDoc, reply } from '../test/policy-fixtures';

const FLOW = 'ticks';
const SCHEDULER = 'tick-tick';

/** What the receiver got from one run: the tick's scheduled time (ISO) and whether it caught up. */
interface Received {
  scheduledAt: string;
  catchUp: boolean;
  hello: string;
}

const scheduleFlow = (origin: string, config: Record<string, unknown>) =>
  flowDoc(
    FLOW,
    [
      { id: 'tick', type: 'schedule', config: { payload: { hello: 'world' }, ...config } },
      {
        id: 'send',
        type: 'http-request',
        config: { url: JSON.stringify(`${origin}/ticks`), body: '{ "scheduledAt": $attrs.scheduledAt, "catchUp": $attrs.catchUp = true, "hello": hello }' },
      },
    ],
    [edge('e1', 'tick', 'send')],
  );

async function receiver(t: TestEngines) {
  const api = await fakeApi(t, (_request, _n, res) => reply(res, 200));
  return { origin: api.origin, get got() { return api.seen.map((r) => r.body as Received); } };
}

/** The tick jobs BullMQ completed on the flow's queue: scheduled time (ms) and outcome. */
async function completedTicks(engine: Engine): Promise<Array<{ at: number; outcome: TickOutcome }>> {
  const jobs = await engine.queue(FLOW).getCompleted(0, -1);
  return jobs.filter((j) => j.name === '$tick').map((j) => ({ at: Number(/:(\d+)$/.exec(j.id!)![1]), outcome: j.returnvalue as unknown as TickOutcome }));
}

/** Resolves once the flow's queue holds nothing to do (every tick and delivery ran). */
const drained = (engine: Engine) =>
  eventually(async () => Object.values(await engine.queue(FLOW).getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0), 'the queue drained');

const iso = (ms: number) => new Date(ms).toISOString();

describe('when two engine processes run a schedule', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();

  it('does start exactly one run per tick, and stops ticking on undeploy', async () => {
    const sink = await receiver(t);
    const api = await t.start({ workers: false });
    const other = await t.start({ workers: false });
    await Promise.all(['a', 'b'].map(() => workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: t.dataDir })));
    const doc = scheduleFlow(sink.origin, { everyMs: 1_000 });
    await api.deploy(doc, 1);
    await other.deploy(doc, 1); // a second deploying process upserts the same scheduler, not another
    expect(await api.queue(FLOW).getJobSchedulersCount()).toBe(1);

    await eventually(() => sink.got.length >= 4, 'four ticks at the receiver');
    await api.undeploy(FLOW);
    expect(await api.queue(FLOW).getJobSchedulersCount()).toBe(0);
    await drained(api);

    // Every tick started a run, except one taken as the undeploy went through: it starts none.
    const ticks = await completedTicks(api);
    const started = ticks.filter((tick) => tick.outcome.outcome === 'started');
    expect(ticks.filter((tick) => tick.outcome.outcome !== 'started' && tick.outcome.outcome !== 'undeployed')).toEqual([]);
    expect(started.length).toBeGreaterThanOrEqual(4);
    const received = sink.got.map((r) => r.scheduledAt);
    expect(new Set(received).size).toBe(received.length); // no tick ran twice
    expect([...received].sort()).toEqual(started.map((tick) => iso(tick.at)).sort()); // every tick ran, once
    expect(sink.got.every((r) => r.hello === 'world' && !r.catchUp)).toBe(true);
    const runs = (await api.runs.listRuns(FLOW, { offset: 0, limit: 100 })).items;
    expect(runs.filter((r) => r.nodeId === 'tick').map((r) => r.runId).sort()).toEqual(started.map((tick) => (tick.outcome as { runId: string }).runId).sort());
  }, 45_000);
});

describe('when a schedule is a cron pattern in a time zone', () => {
  const t = useEngines();

  it('does schedule it in that zone and tick', async () => {
    const sink = await receiver(t);
    const engine = await t.start();
    await engine.deploy(scheduleFlow(sink.origin, { mode: 'cron', cron: '* * * * * *', timezone: 'Europe/Paris' }), 1);

    const scheduler = await engine.queue(FLOW).getJobScheduler(SCHEDULER);
    expect(scheduler).toMatchObject({ pattern: '* * * * * *', tz: 'Europe/Paris' });
    await eventually(() => sink.got.length >= 1, 'a tick at the receiver');
    expect(sink.got[0]).toMatchObject({ hello: 'world', catchUp: false });
  });

  it('does refuse an unknown time zone and a pattern that cannot fire, with where they are', async () => {
    const engine = await t.start({ workers: false });
    const refused = (config: Record<string, unknown>) => engine.deploy(scheduleFlow('http://127.0.0.1:9', { mode: 'cron', ...config }), 1).catch((e: unknown) => e);

    const zone = await refused({ timezone: 'Mars/Olympus_Mons' });
    expect(zone).toBeInstanceOf(InvalidFlowError);
    expect((zone as InvalidFlowError).problems).toMatchObject([{ pointer: '/nodes/0/config/timezone', nodeId: 'tick' }]);
    const pattern = await refused({ cron: '0 0 31 2 *' });
    expect((pattern as InvalidFlowError).problems).toMatchObject([{ pointer: '/nodes/0/config/cron', nodeId: 'tick' }]);
    expect(await engine.deployed()).toEqual(new Map()); // nothing half-deployed
  });
});

describe('when no engine ran while ticks fell due', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();
  /** A tick this late counts as missed. Far above any lateness of a tick on a busy test box. */
  const MISFIRE_MS = 4_000;

  /**
   * Deploys an every-second schedule, lets it tick, stops the only worker process and waits until
   * its pending tick is overdue past the misfire threshold. `beforeRestart` may redeploy then.
   * Returns what the receiver got for ticks due from the pending one until the restart.
   */
  async function outage(missed: 'skip' | 'run-once', beforeRestart?: (api: Engine, origin: string) => Promise<void>) {
    const sink = await receiver(t);
    const api = await t.start({ workers: false, misfireMs: MISFIRE_MS });
    const spawn = (standby = false) => workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: t.dataDir, misfireMs: MISFIRE_MS, standby });
    const first = await spawn();
    await api.deploy(scheduleFlow(sink.origin, { everyMs: 1_000, missed }), 1);
    await eventually(() => sink.got.length >= 1, 'a tick before the outage');

    await first.kill('SIGTERM');
    const pending = (await api.queue(FLOW).getJobScheduler(SCHEDULER))!.next!;
    await eventually(() => Date.now() > pending + MISFIRE_MS + 500, 'the pending tick overdue', 20_000);
    const spare = await spawn(true);
    const outageEnd = Date.now();
    await beforeRestart?.(api, sink.origin);
    await spare.activate();

    await eventually(() => sink.got.some((r) => Date.parse(r.scheduledAt) >= outageEnd), 'ticks again after the restart');
    return { api, pending, during: () => sink.got.filter((r) => Date.parse(r.scheduledAt) >= pending && Date.parse(r.scheduledAt) < outageEnd) };
  }

  it('does run none of them with missed: skip', async () => {
    const { api, pending, during } = await outage('skip');
    const overdue = await eventually(async () => (await completedTicks(api)).find((tick) => tick.at === pending), 'the overdue tick handled');
    expect(overdue.outcome).toEqual({ outcome: 'missed' });
    expect(during()).toEqual([]);
  }, 40_000);

  it('does run exactly one catch-up with missed: run-once', async () => {
    const { pending, during } = await outage('run-once');
    await eventually(() => during().length >= 1, 'the catch-up at the receiver');
    expect(during()).toEqual([{ scheduledAt: iso(pending), catchUp: true, hello: 'world' }]);
  }, 40_000);

  it('does still run exactly one catch-up when a redeploy replaced the overdue tick', async () => {
    // A changed interval makes BullMQ drop the overdue job for one due now: the deploy itself
    // enqueues the catch-up, with the overdue tick's time.
    const { pending, during } = await outage('run-once', (api, origin) => api.deploy(scheduleFlow(origin, { everyMs: 2_000, missed: 'run-once' }), 2).then(() => undefined));
    await eventually(() => during().length >= 1, 'the catch-up at the receiver');
    expect(during()).toEqual([{ scheduledAt: iso(pending), catchUp: true, hello: 'world' }]);
  }, 40_000);
});

describe('when a deploy stopped between marking the flow deployed and creating its schedulers', () => {
  const t = useEngines();

  it('has the scheduler back at the next re-read of the deployments, and ticks', async () => {
    const { origin, got } = await receiver(t).then((r) => ({ origin: r.origin, got: () => r.got }));
    const engine = await t.start();
    await engine.deploy(scheduleFlow(origin, { everyMs: 1_000 }), 1);
    // What a crash (or a Redis error) right after the deployments hash was written leaves.
    await engine.queue(FLOW).removeJobScheduler(SCHEDULER);
    const before = got().length;

    await eventually(async () => (await engine.queue(FLOW).getJobScheduler(SCHEDULER)) !== undefined, 'the scheduler re-established', 15_000);
    await eventually(() => got().length > before + 1, 'ticks after the repair');
    expect((await engine.queue(FLOW).getJobScheduler(SCHEDULER))?.every).toBe(1_000);
  });
});
