/**
 * kill -9 of the worker process running a saga, at the two places that matter: in the middle of
 * a step's action, and in the middle of a compensation. The test service holds the answer of the
 * chosen endpoint, so the call is provably in flight — applied by the service, unanswered, its job
 * active in the only worker process — when the process dies; a warm spare then takes the job over
 * once its lock runs out. Each effect must be applied exactly once, and what the progress record
 * says was done must not be called again.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentService, type IdempotentService } from '../../../test/idempotent-service';
import { useWorkerProcesses } from '../../../test/processes';
import { FLOW, outputs, sagaFlow, step } from './fixtures';

describe('when the worker process running a saga is killed', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();
  const services = useIdempotentService();

  /**
   * Runs `steps` in one worker process, kills it (SIGKILL) once a call to `heldPath` is in flight,
   * lets a spare take over, and waits for the saga's output on `port`.
   */
  async function killMidCall(service: IdempotentService, steps: Array<Record<string, unknown>>, heldPath: string, port: 'completed' | 'compensated') {
    // The API process stores the outbound-HTTP policy (loopback allowed) the workers read.
    const api = await t.start({ workers: false });
    const env = { redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: t.dataDir, concurrency: 2 };
    const [victim, spare] = await Promise.all([workers.spawn(env), workers.spawn({ ...env, standby: true })]);
    await api.deploy(sagaFlow(steps), 1);
    service.hold(heldPath);
    const { runId } = await api.trigger(FLOW, 'in', { order: 42 });

    await eventually(() => service.held(heldPath) > 0, `a call to ${heldPath} in flight`);
    await victim.kill('SIGKILL');
    service.release();
    await spare.activate();

    await eventually(() => outputs(t.dataDir, port).length > 0, `the saga's ${port} output`, 45_000);
    await eventually(async () => (await api.runs.getRun(FLOW, runId))?.summary.status === 'completed', 'the run completed');
    expect(await api.deadLetters.count(FLOW)).toBe(0);
    return outputs(t.dataDir, port);
  }

  it(
    'does resume after the step being called, calling step 1 exactly once in all',
    async () => {
      const service = await services.start();
      const { origin } = service;
      const out = await killMidCall(service, [step(origin, 'reserve'), step(origin, 'charge'), step(origin, 'ship')], '/charge', 'completed');

      expect(service.raw('/reserve')).toBe(1);
      // The call in flight at the kill was made again, under the same key: applied once.
      expect(service.raw('/charge')).toBe(2);
      expect(service.appliedPaths()).toEqual(['/reserve', '/charge', '/ship']);
      expect(service.unkeyed).toBe(0);
      expect(out).toHaveLength(1);
      expect(Object.keys(out[0]!.steps as object)).toEqual(['reserve', 'charge', 'ship']);
    },
    60_000,
  );

  it(
    'does finish the unwinding after a kill during a compensation, each compensation applied exactly once',
    async () => {
      const service = await services.start();
      const { origin } = service;
      service.answer('/ship', () => ({ status: 422, body: { reason: 'no address' } }));
      const out = await killMidCall(service, [step(origin, 'reserve'), step(origin, 'charge'), step(origin, 'ship')], '/charge/undo', 'compensated');

      expect(service.appliedPaths()).toEqual(['/reserve', '/charge', '/charge/undo', '/reserve/undo']);
      expect(service.raw('/charge/undo')).toBe(2);
      // Nothing the progress record had settled was called again.
      expect(['/reserve', '/charge', '/ship', '/reserve/undo'].map((p) => service.raw(p))).toEqual([1, 1, 1, 1]);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ failed: { step: 'ship', error: { status: 422 } } });
      expect(Object.keys(out[0]!.compensations as object)).toEqual(['charge', 'reserve']);
    },
    60_000,
  );
});
