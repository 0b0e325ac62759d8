import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { consumeFlow, numbered } from './fixtures';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();

describe('when the brokers want SASL/PLAIN', () => {
  it('consumes with the stored kafka-sasl credential the node names, the secret nowhere in the flow', async () => {
    const topic = await kafka.topic('sasl', 2);
    await kafka.produce(topic, numbered(20));
    const receiver = await receivers.start();
    const engine = await engines.start();
    const { username, password } = kafka.run.saslUser;
    await engine.credentials.put('kafka-test', { type: 'kafka-sasl', mechanism: 'plain', username, password });
    const doc = consumeFlow('kafka-sasl', { consume: { topics: [topic], brokers: kafka.run.saslBrokers, credential: 'kafka-test' }, origin: receiver.origin });
    expect(JSON.stringify(doc)).not.toContain(password);
    await engine.deploy(doc, 1);
    await eventually(() => receiver.applied.length === 20, '20 effects');
  });

  it('reports the refused login on the deployment and reads nothing', async () => {
    const topic = await kafka.topic('sasl-refused');
    await kafka.produce(topic, numbered(3));
    const receiver = await receivers.start();
    const engine = await engines.start();
    await engine.credentials.put('kafka-wrong', { type: 'kafka-sasl', mechanism: 'plain', username: kafka.run.saslUser.username, password: 'not-the-password' });
    await engine.deploy(consumeFlow('kafka-sasl-refused', { consume: { topics: [topic], brokers: kafka.run.saslBrokers, credential: 'kafka-wrong' }, origin: receiver.origin }), 1);
    const status = await eventually(async () => (await engine.sourceStatus('kafka-sasl-refused')).find((s) => s.problem !== undefined), 'a reported problem');
    expect(status.problem).toMatch(/SASL|auth/i);
    expect(status.problem).not.toContain('not-the-password');
    expect(receiver.applied).toHaveLength(0);
  });
});
