/**
 * Retention: what the engine keeps in Redis has a default cap or TTL and a setting, and nothing
 * is unbounded — Redis runs with `noeviction`, so an unbounded key is an outage.
 */
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Engine } from './engine';
import { DEFAULT_RETENTION, type Retention } from './retention';
import { keysWithTtl } from './stores/testing';
import { eventually, useEngines } from '../test/engine';
import { edge, fakeApi, flowDoc, reply } from '../test/policy-fixtures';

const FLOW = 'keep';

/** Small caps, so that a dozen messages run into every one of them. */
const RETENTION: Retention = {
  completedJobs: { count: 3, ageSec: 300 },
  doneMarkersSec: 300,
  idempotencySec: 300,
  runs: { maxPerFlow: 5, ttlSec: 300, maxEventsPerRun: 6, maxEventBytesPerRun: 64 * 1024 },
  deadLetters: { maxPerFlow: 2, ttlSec: 300, maxPayloadBytes: 64 * 1024 },
  plansSec: 600,
};

/**
 * webhook → map (fails for `fail: true`: a dead letter) → http-request with an idempotency key, a
 * credential, retries and the sinks' circuit breaker: the run writes every kind of record.
 */
const keepFlow = (origin: string, rev = 1) =>
  flowDoc(
    FLOW,
    [
      { id: 'hook', type: 'webhook', config: { path: '/keep' } },
      { id: 'check', type: 'map', config: { expression: `fail ? $error("refused") : { "i": i, "rev": ${rev} }` } },
      {
        id: 'send',
        type: 'http-request',
        config: { url: JSON.stringify(`${origin}/effects`), credential: 'crm' },
        policy: { idempotency: { key: '"effect-" & $string(i)', ttlSec: 300 }, retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 10, jitter: 0 } } },
      },
    ],
    [edge('e1', 'hook', 'check'), edge('e2', 'check', 'send')],
  );

/** A pino logger whose lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'warn' }, stream) };
}

interface Capped {
  /** Why this key may live without a TTL. */
  why: string;
  matches(key: string): boolean;
  /** Asserts the bound that holds it. */
  check(key: string): Promise<void>;
}

/**
 * THE list of keys that may live without a TTL, each with what bounds it — checked, not assumed.
 * Any other key without a TTL grows without limit.
 */
function cappedKeys(engine: Engine, redis: Redis): Capped[] {
  const { prefix } = engine.keys;
  const queue = `${prefix}:${engine.keys.queueName(FLOW)}`; // BullMQ's keys of the flow's queue
  const is = (name: string) => (key: string) => key === name;
  const completed = () => redis.zrange(`${queue}:completed`, 0, -1);
  return [
    {
      why: 'the deployments hash: one field per deployed flow',
      matches: is(engine.keys.deployments()),
      check: async (key) => expect(await redis.hlen(key)).toBe((await engine.deployed()).size),
    },
    {
      why: 'the credentials hash: one field per credential a user stored',
      matches: is(engine.keys.credentials()),
      check: async (key) => expect(await redis.hlen(key)).toBe((await engine.credentials.list()).length),
    },
    {
      why: 'the settings hash: a fixed set of named, engine-wide settings',
      matches: is(engine.keys.settings()),
      check: async (key) => expect(await redis.hkeys(key)).toEqual(['outbound']),
    },
    {
      why: 'the runs index: trimmed to runs.maxPerFlow on every run start (it has a TTL too)',
      matches: is(engine.keys.runs(FLOW)),
      check: async (key) => expect(await redis.zcard(key)).toBeLessThanOrEqual(RETENTION.runs.maxPerFlow),
    },
    {
      why: 'the dead-letter index: trimmed to deadLetters.maxPerFlow on every add (it has a TTL too)',
      matches: is(engine.keys.deadLetters(FLOW)),
      check: async (key) => expect(await redis.zcard(key)).toBeLessThanOrEqual(RETENTION.deadLetters.maxPerFlow),
    },
    {
      why: "BullMQ's queue settings: a hash of fixed fields",
      matches: is(`${queue}:meta`),
      check: async (key) => expect(await redis.hlen(key)).toBeLessThanOrEqual(10),
    },
    {
      why: "BullMQ's job-id counter: one integer",
      matches: is(`${queue}:id`),
      check: async (key) => expect(await redis.type(key)).toBe('string'),
    },
    {
      why: "BullMQ's event stream: trimmed by BullMQ to the queue's maxLenEvents",
      matches: is(`${queue}:events`),
      check: async (key) => {
        const maxLen = Number(await redis.hget(`${queue}:meta`, 'opts.maxLenEvents'));
        expect(maxLen).toBeGreaterThan(0);
        expect(await redis.xlen(key)).toBeLessThanOrEqual(maxLen);
      },
    },
    {
      why: 'completed jobs: BullMQ keeps completedJobs.count of them (removeOnComplete)',
      matches: is(`${queue}:completed`),
      check: async (key) => expect(await redis.zcard(key)).toBeLessThanOrEqual(RETENTION.completedJobs.count),
    },
    {
      why: 'job hashes: only jobs kept in the completed set (the queue drained, so no live ones)',
      matches: (key) => key.startsWith(`${queue}:`) && /^[\w-]{22}$/.test(key.slice(queue.length + 1)),
      check: async (key) => expect(await completed()).toContain(key.slice(queue.length + 1)),
    },
  ];
}

/** Every key under the engine's prefix, with its TTL. */
const allKeys = (engine: Engine, redis: Redis) => keysWithTtl(redis, `${engine.keys.prefix}:`);

describe('when a flow runs under small retention settings', () => {
  const t = useEngines();

  it('keeps every cap, logs the dead letters it trims, and leaves no key without a TTL or a named cap', async () => {
    const receiver = await fakeApi(t, (_request, n, res) => reply(res, n === 1 ? 503 : 200)); // one retry
    const { lines, logger } = capturedLogger();
    const engine = await t.start({ retention: RETENTION, logger });
    const redis = t.redis.redis;
    await engine.credentials.put('crm', { type: 'http-bearer', token: 'retention-test-token' });
    const traces = await t.traces();
    await engine.deploy(keepFlow(receiver.origin), 1);

    for (let i = 0; i < 12; i++) await engine.ingest(FLOW, { nodeId: 'hook', payload: { i, fail: i >= 9 }, idempotencyKey: `req-${i}` });
    expect(await engine.ingest(FLOW, { nodeId: 'hook', payload: { i: 0 }, idempotencyKey: 'req-0' })).toMatchObject({ duplicate: true });
    await eventually(() => new Set(receiver.seen.map((r) => (r.body as { i: number }).i)).size === 9, 'nine effects at the receiver');
    await traces.until((events) => events.filter((e) => e.type === 'node:dead-lettered').length === 3);
    await eventually(
      async () => Object.values(await engine.queue(FLOW).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed')).every((n) => n === 0),
      'the queue drained',
    );

    // Runs: the index holds the newest 5 of 12, and only their records and events are left.
    const runIds = await redis.zrange(engine.keys.runs(FLOW), 0, -1);
    expect(runIds).toHaveLength(RETENTION.runs.maxPerFlow);
    const keys = await allKeys(engine, redis);
    const runRecords = [...keys.keys()].filter((k) => k.startsWith(`${engine.keys.prefix}:{${FLOW}}:run:`));
    const indexed = new Set(runIds.flatMap((id) => [engine.keys.run(FLOW, id), engine.keys.runEvents(FLOW, id)]));
    expect(runRecords.filter((k) => indexed.has(k))).toHaveLength(indexed.size);
    // A run trimmed while still in flight kept its record to record its finish — flagged, and
    // kept only briefly after it.
    for (const key of runRecords.filter((k) => !indexed.has(k) && !k.endsWith(':events'))) {
      expect(await redis.hmget(key, 'trimmed', 'status')).toEqual(['1', expect.stringMatching(/^(completed|failed)$/)]);
      expect(await redis.ttl(key)).toBeLessThanOrEqual(RETENTION.completedJobs.ageSec);
    }
    for (const id of runIds) expect(await redis.llen(engine.keys.runEvents(FLOW, id))).toBeLessThanOrEqual(RETENTION.runs.maxEventsPerRun);
    // Completed jobs: BullMQ keeps 3 of the 37 deliveries.
    expect(await engine.queue(FLOW).getCompletedCount()).toBe(RETENTION.completedJobs.count);
    // Dead letters: 2 of 3 kept, and the one trimmed was logged, by id.
    const letters = await engine.deadLetters.list(FLOW);
    expect(letters.items).toHaveLength(RETENTION.deadLetters.maxPerFlow);
    expect([...keys.keys()].filter((k) => k.startsWith(`${engine.keys.deadLetters(FLOW)}:`))).toHaveLength(2);
    const trims = lines.filter((l) => l.msg === 'dead letters over the cap: the oldest were removed');
    expect(trims).toEqual([expect.objectContaining({ level: 40, flowId: FLOW, trimmed: 1, ids: [expect.any(String)] })]);
    const deadLettered = traces.of('node:dead-lettered').map((e) => e.deadLetterId);
    expect(deadLettered).toHaveLength(3);
    expect([(trims[0]!.ids as string[])[0], ...letters.items.map((l) => l.id)].sort()).toEqual([...deadLettered].sort());

    // Every key: one of the named caps (whose bound holds), or else a TTL.
    const capped = cappedKeys(engine, redis);
    const unbounded: string[] = [];
    const seenCaps = new Set<string>();
    for (const [key, ttl] of keys) {
      const cap = capped.find((c) => c.matches(key));
      if (cap) {
        seenCaps.add(cap.why);
        await cap.check(key);
      } else if (ttl === -1) unbounded.push(key); // -2: it expired between SCAN and TTL (BullMQ's short-lived stalled-check)
    }
    expect(unbounded).toEqual([]);
    // The run did write every capped structure, and every kind of record with a TTL.
    expect([...seenCaps].sort()).toEqual(capped.map((c) => c.why).sort());
    const kinds = new Set([...keys.keys()].map((k) => /^[^:]+:\{[^}]+\}:(done|idem|ingested|dlq:|breaker|plan|run:)/.exec(k)?.[1]).filter(Boolean));
    expect([...kinds].sort()).toEqual(['breaker', 'dlq:', 'done', 'idem', 'ingested', 'plan', 'run:']);
  });

  it('renews the plan of the deployed revision, and not that of a superseded one', async () => {
    const receiver = await fakeApi(t, (_request, _n, res) => reply(res, 200));
    const engine = await t.start({ retention: RETENTION, logger: capturedLogger().logger });
    const redis = t.redis.redis;
    await engine.credentials.put('crm', { type: 'http-bearer', token: 'retention-test-token' });
    const deployed1 = await engine.deploy(keepFlow(receiver.origin, 1), 1);
    const deployed2 = await engine.deploy(keepFlow(receiver.origin, 2), 2);
    const [plan1, plan2] = [engine.keys.plan(FLOW, deployed1.deployment), engine.keys.plan(FLOW, deployed2.deployment)];
    // As if both were deployed long ago: 30 s left of their TTL.
    await redis.expire(plan1, 30);
    await redis.expire(plan2, 30);

    // The engine's next re-read of the deployments renews the deployed revision's plan only.
    await eventually(async () => (await redis.ttl(plan2)) > 30, 'the deployed plan renewed');
    expect(await redis.ttl(plan2)).toBeLessThanOrEqual(RETENTION.plansSec);
    const ttl1 = await redis.ttl(plan1);
    expect(ttl1).toBeGreaterThan(0);
    expect(ttl1).toBeLessThanOrEqual(30);
  });
});

describe('when no retention is configured', () => {
  const t = useEngines();

  it('applies the defaults: each kind of record gets its default cap or TTL', async () => {
    const receiver = await fakeApi(t, (_request, _n, res) => reply(res, 200));
    const engine = await t.start();
    const redis = t.redis.redis;
    await engine.credentials.put('crm', { type: 'http-bearer', token: 'retention-test-token' });
    const traces = await t.traces();
    await engine.deploy(keepFlow(receiver.origin), 1);

    const { runId } = await engine.ingest(FLOW, { nodeId: 'hook', payload: { i: 1, fail: false }, idempotencyKey: 'once' });
    await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));

    const [job] = await engine.queue(FLOW).getCompleted(0, 0);
    expect(job!.opts.removeOnComplete).toEqual({ count: DEFAULT_RETENTION.completedJobs.count, age: DEFAULT_RETENTION.completedJobs.ageSec });
    const ttlOf = async (fragment: string) => {
      const keys = [...(await allKeys(engine, redis))].filter(([key]) => key.includes(fragment));
      expect(keys.length, fragment).toBeGreaterThan(0);
      return Math.max(...keys.map(([, ttl]) => ttl));
    };
    const within = (ttl: number, max: number) => expect(ttl > max - 60 && ttl <= max, `${ttl} within a minute of ${max}`).toBe(true);
    within(await ttlOf(`:done:`), DEFAULT_RETENTION.doneMarkersSec);
    within(await ttlOf(`:run:${runId}`), DEFAULT_RETENTION.runs.ttlSec);
    within(await ttlOf(`:ingested:`), DEFAULT_RETENTION.idempotencySec);
    within(await ttlOf(`:plan:1`), DEFAULT_RETENTION.plansSec);
    within(await ttlOf(`:idem:`), 300); // the node's own idempotency TTL wins over the default
  });
});
