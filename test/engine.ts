/**
 * Engine tests: a real Engine on the run's Redis, under the test's own key prefix, with the
 * test BullMQ timings, a temp data directory, and a collector of the trace events it publishes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { Engine, type EngineOptions } from '../engine/engine';
import type { TraceEvent } from '../flows/trace-events';
import { nodeCatalogue } from '../nodes/catalogue';
import { RUNTIMES } from '../nodes/runtimes';
import { useRedis, type TestRedis } from './redis';
import { TEST_BULLMQ_TIMINGS, TEST_SUBSCRIPTION_TIMINGS } from './timings';

export const TEST_SECRET = 'test-secret-not-for-production';

export interface TraceLog {
  readonly events: TraceEvent[];
  /** Resolves once `predicate` holds for the events seen so far (polls; the test timeout bounds it). */
  until(predicate: (events: TraceEvent[]) => boolean): Promise<TraceEvent[]>;
  of<K extends TraceEvent['type']>(type: K, runId?: string): Array<Extract<TraceEvent, { type: K }>['data']>;
}

export interface TestEngines {
  readonly redis: TestRedis;
  readonly dataDir: string;
  /** Options every test engine starts with. */
  options(extra?: Partial<EngineOptions>): EngineOptions;
  start(extra?: Partial<EngineOptions>): Promise<Engine>;
  /** Subscribes to the trace channel and keeps every event. */
  traces(): Promise<TraceLog>;
}

/**
 * Resolves once `check` returns a truthy value, polling every 25 ms; gives up (throws) after
 * `giveUpMs` so that a failed test doesn't leave a loop behind. Not a timing assertion: the
 * bound is far beyond what the condition needs.
 */
export async function eventually<T>(check: () => T | Promise<T>, what = 'condition', giveUpMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function useEngines(): TestEngines {
  const redis = useRedis();
  const engines: Engine[] = [];
  let dataDir = '';

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-engine-'));
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close(true)));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const options = (extra: Partial<EngineOptions> = {}): EngineOptions => ({
    redisUrl: redis.url,
    prefix: redis.prefix,
    catalogue: nodeCatalogue,
    runtimes: RUNTIMES,
    secret: TEST_SECRET,
    dataDir,
    timings: TEST_BULLMQ_TIMINGS,
    subscriptionTimings: TEST_SUBSCRIPTION_TIMINGS,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    outbound: { allow: ['127.0.0.0/8', '::1/128', 'localhost'], timeoutMs: 5_000 },
    ...extra,
  });

  return {
    redis,
    get dataDir() {
      return dataDir;
    },
    options,
    async start(extra) {
      const engine = await Engine.start(options(extra));
      engines.push(engine);
      return engine;
    },
    async traces() {
      const sub = redis.connection(); // closed by useRedis after the test
      const events: TraceEvent[] = [];
      sub.on('message', (_channel, text) => events.push(JSON.parse(text) as TraceEvent));
      await sub.subscribe(`${redis.prefix}:trace`);
      return {
        events,
        until: async (predicate) => {
          await eventually(() => predicate(events), 'trace events');
          return events;
        },
        of: (type, runId) => events.filter((e) => e.type === type && (runId === undefined || e.data.runId === runId)).map((e) => e.data) as never,
      };
    },
  };
}
