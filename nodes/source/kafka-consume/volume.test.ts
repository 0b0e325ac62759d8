import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { consumeFlow, numbered } from './fixtures';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();

const RECORDS = 5_000;
const payloads = (applied: ReadonlyArray<{ body: unknown }>) => applied.map((a) => (a.body as { payload: { n: number } }).payload.n);

describe('when a topic of 5,000 records flows into an idempotent HTTP sink', () => {
  it('applies every record\'s effect exactly once', { timeout: 240_000 }, async () => {
    const topic = await kafka.topic('volume', 4);
    await kafka.produce(topic, numbered(RECORDS));
    const receiver = await receivers.start();
    const engine = await engines.start({ concurrency: 32 });
    await engine.deploy(consumeFlow('volume', { consume: { topics: [topic] }, origin: receiver.origin, settings: { backlogLimit: 100_000 } }), 1);
    await eventually(() => receiver.applied.length === RECORDS, `${RECORDS} effects`, 200_000);
    expect(new Set(payloads(receiver.applied)).size).toBe(RECORDS);
    // One idempotency key per record (its topic/partition/offset): no record reached the sink as two effects.
    expect(receiver.seen.size).toBe(RECORDS);
  });

  it('applies every effect once across a redeploy halfway through', { timeout: 240_000 }, async () => {
    const topic = await kafka.topic('redeploy', 4);
    await kafka.produce(topic, numbered(RECORDS));
    const receiver = await receivers.start();
    const engine = await engines.start({ concurrency: 32 });
    // A bound well below 5,000 keeps the consumer reading when the redeploy replaces it.
    const doc = consumeFlow('redeploy', { consume: { topics: [topic] }, origin: receiver.origin, settings: { backlogLimit: 500 } });
    await engine.deploy(doc, 1);
    await eventually(() => receiver.applied.length >= RECORDS / 2, 'half of the effects', 200_000);
    await engine.deploy({ ...doc, name: 'redeployed' }, 2);
    const halfway = receiver.applied.length;
    await eventually(() => receiver.applied.length === RECORDS, `${RECORDS} effects`, 200_000);
    expect(halfway).toBeLessThan(RECORDS);
    expect(new Set(payloads(receiver.applied)).size).toBe(RECORDS);
    expect(receiver.seen.size).toBe(RECORDS);
    const revisions = new Set(receiver.applied.map((a) => (a.body as { revision: number }).revision));
    expect([...revisions].sort()).toEqual([1, 2]);
  });
});
