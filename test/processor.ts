/**
 * The engine's processor outside an Engine, for tests that place a crash between its steps: built
 * as Engine builds it, around an `enqueue` (and, if given, runtimes) the test controls.
 */
import { Backlog } from '../engine/backlog';
import type { DeliveryJob } from '../engine/delivery';
import type { Engine } from '../engine/engine';
import { nodeLogger } from '../engine/logger';
import { PlanStore } from '../engine/plans';
import { createProcessor } from '../engine/processor';
import type { Retention } from '../engine/retention';
import { CircuitBreakers } from '../engine/stores/circuit-breaker';
import { DeadLetterStore } from '../engine/stores/dead-letters';
import { timersFor } from '../engine/timers';
import { Tracer } from '../engine/tracer';
import type { NodeRuntime } from '../nodes/runtime';
import { createHttpClient } from '../nodes/runtime/http';
import { RUNTIMES } from '../nodes/runtimes';

export function processorFor(
  api: Engine,
  dataDir: string,
  retention: Retention,
  enqueue: (flowId: string, jobs: DeliveryJob[]) => Promise<void>,
  runtimes: ReadonlyMap<string, NodeRuntime<any>> = RUNTIMES,
) {
  const { redis, keys, runs } = api;
  const backlog = new Backlog(redis, keys, (id) => api.queue(id));
  return createProcessor({
    plans: new PlanStore(redis, keys, retention.plansSec),
    runtimes,
    runs,
    deadLetters: new DeadLetterStore(redis, keys, retention),
    breakers: new CircuitBreakers(redis, keys, retention),
    tracer: new Tracer(runs, async () => []),
    retention,
    context: {
      redis,
      keys,
      credentials: api.credentials,
      http: createHttpClient({}),
      dataDir,
      replayableSec: retention.deadLetters.ttlSec,
      log: (fields) => nodeLogger(api.log, fields),
      timers: (plan, nodeId) => timersFor({ runs, retention, queue: (id) => api.queue(id), timer: (id, jobId, atMs) => backlog.timer(id, jobId, atMs) }, plan, nodeId),
    },
    enqueue,
  });
}

