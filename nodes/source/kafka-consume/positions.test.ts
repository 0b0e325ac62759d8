import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { consumeFlow, numbered } from './fixtures';
import { groupIdOf } from './source';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();

const numbers = (applied: ReadonlyArray<{ body: unknown }>) => applied.map((a) => (a.body as { payload: { n: number } }).payload.n).sort((a, b) => a - b);

describe('when a new group starts from a timestamp', () => {
  it('reads only the records at or after it', { timeout: 60_000 }, async () => {
    const topic = await kafka.topic('from-time', 2);
    await kafka.produce(topic, numbered(5));
    await sleep(50);
    const from = new Date().toISOString();
    await sleep(50);
    await kafka.produce(topic, numbered(5, 5));
    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.deploy(consumeFlow('kafka-from-time', { consume: { topics: [topic], startFrom: 'timestamp', startTimestamp: from }, origin: receiver.origin }), 1);
    await eventually(() => receiver.applied.length === 5, 'the five later records');
    await sleep(1_000);
    expect(numbers(receiver.applied)).toEqual([5, 6, 7, 8, 9]);
  });
});

describe('when a flow is redeployed with a new reprocess label', () => {
  it('reads every record again, as new messages', { timeout: 60_000 }, async () => {
    const topic = await kafka.topic('reprocess');
    await kafka.produce(topic, numbered(10));
    const receiver = await receivers.start();
    const engine = await engines.start();
    // The sink's idempotency key is the engine's own (from the message id), not the record's
    // position: a reprocessed record is a new message, so its effect applies again.
    const out = { id: 'out', type: 'http-request', config: { method: 'POST', url: `"${receiver.origin}/effects"`, body: '{ "payload": $, "attrs": $attrs }' } };
    await engine.deploy(consumeFlow('kafka-reprocess', { consume: { topics: [topic] }, out }), 1);
    await eventually(() => receiver.applied.length === 10, 'the first pass');
    await engine.deploy(consumeFlow('kafka-reprocess', { consume: { topics: [topic], reprocess: 'again-1' }, out }), 2);
    await eventually(() => receiver.applied.length === 20, 'the second pass');
    expect(numbers(receiver.applied)).toEqual(numbers([...receiver.applied.slice(0, 10), ...receiver.applied.slice(0, 10)]));
    expect((await kafka.committed(groupIdOf('kafka-reprocess', 'in', { reprocess: 'again-1' }), topic)).get(0)).toBe(10);
  });
});

describe('when a consuming flow is undeployed', () => {
  it('leaves the group with everything it read committed, and reads nothing more', { timeout: 60_000 }, async () => {
    const topic = await kafka.topic('undeploy', 2);
    await kafka.produce(topic, numbered(20));
    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.deploy(consumeFlow('kafka-undeploy', { consume: { topics: [topic] }, origin: receiver.origin }), 1);
    await eventually(() => receiver.applied.length === 20, '20 effects');
    const groupId = groupIdOf('kafka-undeploy', 'in', {});
    await eventually(async () => [...(await kafka.committed(groupId, topic)).values()].reduce((a, b) => a + b, 0) === 20, 'everything committed');
    await engine.undeploy('kafka-undeploy');
    await eventually(async () => (await kafka.admin.describeGroups([groupId])).groups[0]?.state === 'Empty', 'the group empty');
    await kafka.produce(topic, numbered(5, 20));
    await sleep(1_500);
    expect(receiver.applied).toHaveLength(20);
  });
});
