import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { edge, flowDoc } from '../../../test/server-fixtures';
import { consumeFlow, numbered } from '../../source/kafka-consume/fixtures';
import { MESSAGE_ID_HEADER } from '../../shared/kafka';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();

const RECORDS = 300;

describe('when one flow consumes, maps and produces, and another consumes what it produced', () => {
  it('delivers every message once, each with the id header of the message that produced it', { timeout: 120_000 }, async () => {
    const source = await kafka.topic('rt-in', 2);
    const middle = await kafka.topic('rt-mid', 3);
    await kafka.produce(source, numbered(RECORDS));
    const receiver = await receivers.start();
    const engine = await engines.start();
    const relay = flowDoc(
      'kafka-relay',
      [
        { id: 'in', type: 'kafka-consume', config: { topics: [source], startFrom: 'earliest' } },
        { id: 'double', type: 'map', config: { expression: '{ "n": n, "twice": n * 2 }' } },
        { id: 'out', type: 'kafka-produce', config: { topic: middle, key: '$string(n)' } },
      ],
      [edge('e1', 'in', 'double'), edge('e2', 'double', 'out')],
    );
    await engine.deploy(relay, 1);
    await engine.deploy(consumeFlow('kafka-relay-reader', { consume: { topics: [middle] }, origin: receiver.origin }), 1);
    await eventually(() => receiver.applied.length === RECORDS, `${RECORDS} effects`, 100_000);
    const bodies = receiver.applied.map((a) => a.body as { payload: { n: number; twice: number }; attrs: { key: string; headers: Record<string, string> } });
    expect(new Set(bodies.map((b) => b.payload.n)).size).toBe(RECORDS);
    expect(bodies.every((b) => b.payload.twice === b.payload.n * 2 && b.attrs.key === String(b.payload.n))).toBe(true);
    const ids = bodies.map((b) => b.attrs.headers[MESSAGE_ID_HEADER]);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(RECORDS);
    // Nothing was written twice to the middle topic either.
    const written = (await kafka.admin.fetchTopicOffsets(middle)).reduce((sum, p) => sum + Number(p.high), 0);
    expect(written).toBe(RECORDS);
  });
});
