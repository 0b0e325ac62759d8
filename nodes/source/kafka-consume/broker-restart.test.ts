import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { client, useOwnBroker } from '../../../test/kafka';
import { consumeFlow, numbered } from './fixtures';

const engines = useEngines();
const receivers = useIdempotentReceiver();
const own = useOwnBroker();

describe('when the broker is killed and restarted mid-stream', () => {
  it('resumes by itself and loses nothing', { timeout: 240_000 }, async () => {
    // A broker of this test's own: killing the run's broker would break the files beside it.
    const broker = await own.start();
    const admin = client(broker.brokers).admin();
    await admin.connect();
    const topic = 'restart';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = client(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: numbered(1_000) });
    await producer.disconnect();

    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.deploy(consumeFlow('kafka-restart', { consume: { topics: [topic], brokers: broker.brokers }, origin: receiver.origin, settings: { backlogLimit: 100_000 } }), 1);
    await eventually(() => receiver.applied.length >= 200, 'effects under way', 60_000);
    await broker.kill('SIGKILL');
    const atKill = receiver.applied.length;
    await broker.start();

    const again = client(broker.brokers).producer();
    await again.connect();
    await again.send({ topic, acks: -1, messages: numbered(500, 1_000) });
    await again.disconnect();
    await eventually(() => receiver.applied.length === 1_500, 'all 1,500 effects', 200_000);
    expect(atKill).toBeLessThan(1_500);
    expect(new Set(receiver.applied.map((a) => (a.body as { payload: { n: number } }).payload.n)).size).toBe(1_500);
  });
});
