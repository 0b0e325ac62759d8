import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { consumeFlow, numbered } from './fixtures';
import { groupIdOf } from './source';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();

describe('when a deployed flow consumes a topic', () => {
  it('emits each record once with its key, partition, offset, timestamp and headers in the attributes', async () => {
    const topic = await kafka.topic('basic', 3);
    await kafka.produce(topic, [...numbered(30), { key: 'h', value: '{"n":"h"}', headers: { 'x-trace': 'abc' } }]);
    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.deploy(consumeFlow('consume-basic', { consume: { topics: [topic] }, origin: receiver.origin }), 1);
    await eventually(() => receiver.applied.length === 31, '31 effects');
    const withHeader = receiver.applied.find((a) => (a.body as { payload: { n: unknown } }).payload.n === 'h')!.body as { attrs: Record<string, unknown> };
    expect(withHeader.attrs).toMatchObject({ topic, key: 'h', headers: { 'x-trace': 'abc' } });
    expect(typeof withHeader.attrs.partition).toBe('number');
    expect(withHeader.attrs.offset).toMatch(/^\d+$/);
    expect(Date.parse(String(withHeader.attrs.timestamp))).not.toBeNaN();
    expect(new Set(receiver.applied.map((a) => (a.body as { payload: { n: unknown } }).payload.n)).size).toBe(31);
    // Committed offsets reach the end of every partition once everything is enqueued.
    const ends = await kafka.admin.fetchTopicOffsets(topic);
    await eventually(async () => {
      const committed = await kafka.committed(groupIdOf('consume-basic', 'in', {}), topic);
      return ends.every((p) => committed.get(p.partition) === Number(p.high));
    }, 'offsets committed to the end');
    expect(receiver.rawRequests).toBe(31);
  });

  it('dead-letters a record it cannot decode and reads on past it in the same partition', async () => {
    const topic = await kafka.topic('undecodable', 1);
    await kafka.produce(topic, [{ value: '{"n":0}' }, { value: 'not json {' }, { value: '{"n":2}' }]);
    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.deploy(consumeFlow('consume-bad', { consume: { topics: [topic] }, origin: receiver.origin }), 1);
    await eventually(() => receiver.applied.length === 2, 'the two good records');
    const dead = await eventually(async () => (await engine.deadLetters.list('consume-bad')).items.find((d) => d.nodeId === 'in'), 'a dead letter');
    expect(dead.error.message).toMatch(/not JSON/);
    expect(receiver.applied.map((a) => (a.body as { payload: { n: number } }).payload.n).sort()).toEqual([0, 2]);
  });

  it('reads base64 bytes values, from the topics its pattern matches', async () => {
    const a = await kafka.topic('pat-a');
    const b = await kafka.topic('pat-b');
    await kafka.produce(a, [{ value: Buffer.from([0, 255, 1]) }]);
    await kafka.produce(b, [{ value: Buffer.from([7]) }]);
    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.deploy(consumeFlow('consume-bytes', { consume: { topicPattern: `^(${a}|${b})$`, valueFormat: 'bytes' }, origin: receiver.origin }), 1);
    await eventually(() => receiver.applied.length === 2, 'both records');
    expect(receiver.applied.map((x) => (x.body as { payload: string }).payload).sort()).toEqual([Buffer.from([0, 255, 1]).toString('base64'), Buffer.from([7]).toString('base64')].sort());
  });

  it('reports a topic that does not exist on the deployment instead of failing silently', async () => {
    const engine = await engines.start();
    await engine.deploy(consumeFlow('consume-missing', { consume: { topics: ['t-no-such-topic'] } }), 1);
    const status = await eventually(async () => (await engine.sourceStatus('consume-missing')).find((s) => s.problem !== undefined), 'a reported problem');
    expect(status.problem).toMatch(/topic t-no-such-topic does not exist/);
  });
});
