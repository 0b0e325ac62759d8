/**
 * Kafka for tests: the run's broker (test/kafka-global-setup.ts), a fresh set of topics per test
 * (deleted after it), and a broker of a test's own for tests that kill or restart it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Admin, type Message as KafkaMessage, type Producer } from 'kafkajs';
import { afterEach, beforeEach, inject } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '../scripts/kafka/broker';
import type { TestKafka } from './kafka-global-setup';

export interface KafkaFixture {
  readonly brokers: string[];
  readonly run: TestKafka;
  readonly admin: Admin;
  /** Creates a topic of this test: `t-<uuid>-<name>`, deleted after the test. */
  topic(name: string, partitions?: number): Promise<string>;
  /** Writes records (acks -1), in batches of 500. */
  produce(topic: string, messages: KafkaMessage[]): Promise<void>;
  /** Committed offset per partition of `groupId` on `topic` (-1: none). */
  committed(groupId: string, topic: string): Promise<Map<number, number>>;
}

/** Call once at the top of a describe: the run's broker, fresh topics per test. */
export function useKafka(brokersOf: () => string[] = () => inject('kafka').brokers): KafkaFixture {
  let state: { brokers: string[]; admin: Admin; producer: Producer | null; topics: string[] } | null = null;
  const current = () => {
    if (!state) throw new Error('useKafka(): use it inside a test or hook');
    return state;
  };
  beforeEach(async () => {
    const brokers = brokersOf();
    const admin = client(brokers).admin();
    await admin.connect();
    state = { brokers, admin, producer: null, topics: [] };
  });
  afterEach(async () => {
    const done = state;
    state = null;
    if (!done) return;
    await done.producer?.disconnect().catch(() => undefined);
    if (done.topics.length > 0) await done.admin.deleteTopics({ topics: done.topics, timeout: 10_000 }).catch(() => undefined);
    await done.admin.disconnect().catch(() => undefined);
  });
  return {
    get brokers() {
      return current().brokers;
    },
    get run() {
      return inject('kafka');
    },
    get admin() {
      return current().admin;
    },
    async topic(name, partitions = 1) {
      const s = current();
      const topic = `t-${randomUUID().slice(0, 8)}-${name}`;
      // Not `waitForLeaders`: kafkajs's wait asks with metadata v0, which a 3.9 broker can answer
      // with UNKNOWN_TOPIC_OR_PARTITION for a moment and kafkajs gives up.
      await s.admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false });
      s.topics.push(topic);
      await waitForLeaders(s.admin, topic, partitions);
      return topic;
    },
    async produce(topic, messages) {
      const s = current();
      if (!s.producer) {
        s.producer = client(s.brokers).producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
        await s.producer.connect();
      }
      for (let i = 0; i < messages.length; i += 500) await s.producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    },
    async committed(groupId, topic) {
      const [entry] = await current().admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    },
  };
}

async function waitForLeaders(admin: Admin, topic: string, partitions: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
    const led = meta?.topics[0]?.partitions.filter((p) => p.leader >= 0 && p.partitionErrorCode === 0).length ?? 0;
    if (led === partitions) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topic ${topic} has no leaders after 10 s`);
}

/** A kafkajs client for test-side producing and checking, quiet unless something is wrong. */
export function client(brokers: string[]): kafkajs.Kafka {
  return new kafkajs.Kafka({ brokers, clientId: 'tributary-test', logLevel: kafkajs.logLevel.NOTHING });
}

/**
 * A broker of this test's own, for a test that kills or restarts it: stopped (killed) and its
 * storage removed after the test. Starting one costs several seconds.
 */
export function useOwnBroker(): { start(): Promise<KafkaBroker> } {
  const started: Array<{ broker: KafkaBroker; dir: string }> = [];
  afterEach(async () => {
    for (const { broker, dir } of started.splice(0)) {
      await broker.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return {
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'tributary-test-own-kafka-'));
      const broker = await startKafkaBroker({ dir, heapMb: 384 });
      started.push({ broker, dir });
      return broker;
    },
  };
}
