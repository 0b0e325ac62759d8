import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PermanentError, TransientError } from '../../errors';
import { closeProducers } from '../../runtime/kafka';
import { runNode, type DeployOptions, type MessageOptions } from '../../testing/harness';
import { client, useKafka } from '../../../test/kafka';
import { MESSAGE_ID_HEADER } from '../../shared/kafka';
import { IDEMPOTENCY_HEADER, runtime } from './run';
import type { KafkaProduceConfig } from './spec';

const kafka = useKafka();
afterAll(() => closeProducers());

const send = (config: Partial<KafkaProduceConfig>, options: Partial<DeployOptions<KafkaProduceConfig> & MessageOptions> = {}) =>
  runNode(runtime, { payload: { orderId: 'A1', total: 12.5 }, ...options, config: { brokers: kafka.brokers, ...config } });
const failure = (pending: Promise<unknown>) => pending.then(() => Promise.reject(new Error('expected a failure')), (e: unknown) => e);

/** Reads `count` records of `topic` from the beginning. */
async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = client(kafka.brokers).consumer({ groupId: `${topic}-reader` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: KafkaMessage[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
        if (seen.length >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('when a message reaches kafka-produce', () => {
  it('writes one record with the key, the headers, the message id and the idempotency key', async () => {
    const topic = await kafka.topic('produce');
    const { emissions, noted } = await send(
      { topic, key: 'orderId', headers: { 'x-tenant': '$attrs.tenant' } },
      { messageId: 'msg-7', idempotencyKey: 'key-7', attrs: { tenant: 'acme' } },
    );
    expect(emissions).toEqual([]);
    expect(noted).toEqual({ topic, partition: 0, offset: '0' });
    const [record] = await readAll(topic, 1);
    expect(record!.key?.toString()).toBe('A1');
    expect(JSON.parse(record!.value!.toString())).toEqual({ orderId: 'A1', total: 12.5 });
    expect(record!.headers![MESSAGE_ID_HEADER]?.toString()).toBe('msg-7');
    expect(record!.headers![IDEMPOTENCY_HEADER]?.toString()).toBe('key-7');
    expect(record!.headers!['x-tenant']?.toString()).toBe('acme');
  });

  it('writes to the partition its expression gives, and keeps one key on one partition', async () => {
    const topic = await kafka.topic('partitions', 4);
    await send({ topic, partition: '3' });
    const keyed = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => send({ topic, key: `"same"`, value: `"${k}"`, valueFormat: 'json', lingerMs: 0 })));
    expect(keyed).toHaveLength(5);
    const records = await readAll(topic, 6);
    const offsets = await kafka.admin.fetchTopicOffsets(topic);
    expect(offsets.find((p) => p.partition === 3)!.high).not.toBe('0');
    const sameKey = new Set(offsets.filter((p) => Number(p.high) > 0 && p.partition !== 3).map((p) => p.partition));
    expect(sameKey.size).toBeLessThanOrEqual(1);
    expect(records).toHaveLength(6);
  });

  it('answers each of many records sent together (one batch) with its own offset', async () => {
    const topic = await kafka.topic('batch');
    const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => send({ topic, value: `{ "n": ${i} }`, lingerMs: 50 })));
    const offsets = new Set(runs.map((r) => (r.noted as { offset: string }).offset));
    expect(offsets.size).toBe(50);
    expect((await readAll(topic, 50)).map((r) => JSON.parse(r.value!.toString()).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('writes string and base64 bytes values as they are', async () => {
    const topic = await kafka.topic('formats');
    await send({ topic, value: '"plain text"', valueFormat: 'string' });
    await send({ topic, value: `"${Buffer.from([0, 1, 254, 255]).toString('base64')}"`, valueFormat: 'bytes' });
    const [text, bytes] = await readAll(topic, 2);
    expect(text!.value!.toString()).toBe('plain text');
    expect([...bytes!.value!]).toEqual([0, 1, 254, 255]);
  });
});

describe('when the brokers want SASL/PLAIN', () => {
  it('writes with the kafka-sasl credential the node names', async () => {
    const topic = await kafka.topic('sasl-produce');
    const { username, password } = kafka.run.saslUser;
    const { noted } = await send(
      { topic, brokers: kafka.run.saslBrokers, credential: 'kafka-test' },
      { credentials: { 'kafka-test': { type: 'kafka-sasl', mechanism: 'plain', username, password } } },
    );
    expect(noted).toMatchObject({ topic, offset: '0' });
    expect(await readAll(topic, 1)).toHaveLength(1);
  });
});

describe('when the message cannot become a record', () => {
  it('fails for good on a string value that is not a string', async () => {
    const topic = await kafka.topic('bad');
    const error = await failure(send({ topic, valueFormat: 'string' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('VALUE_FORMAT');
  });

  it('fails for good on a record the broker refuses as too large, without failing the records batched with it', async () => {
    const topic = await kafka.topic('too-large');
    // Past the broker's message.max.bytes (1 MiB by default); the payload, not an expression, so the
    // broker is what refuses it.
    const big = { big: 'x'.repeat(2 * 1024 * 1024) };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => send({ topic, lingerMs: 200 }, { payload: i === 4 ? big : { n: i } })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(9);
    const refused = outcomes[4] as PromiseRejectedResult;
    expect(refused.status).toBe('rejected');
    expect(refused.reason).toBeInstanceOf(PermanentError);
    expect((await readAll(topic, 9)).length).toBe(9);
  });

  it('gives up with a transient error once its signal aborts (node timeout), however long the brokers take', async () => {
    // A "broker" that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const error = await failure(send({ topic: 'never', brokers: [`127.0.0.1:${port}`] }, { signal: AbortSignal.timeout(300) }));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/aborted/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await closeProducers();
    }
  });

  it('fails for good without brokers, saying how to configure them', async () => {
    const previous = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    try {
      const error = await failure(runNode(runtime, { payload: {}, config: { topic: 'x' } }));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toMatch(/KAFKA_BROKERS/);
    } finally {
      process.env.KAFKA_BROKERS = previous;
    }
  });
});
