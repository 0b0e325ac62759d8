import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startKafkaBroker } from '../scripts/kafka/broker';

/** What the run's broker offers tests; read it with `inject('kafka')`, usually via `useKafka()`. */
export interface TestKafka {
  /** The PLAINTEXT listener. */
  brokers: string[];
  /** The SASL_PLAINTEXT listener, which accepts only `saslUser` (PLAIN). */
  saslBrokers: string[];
  saslUser: { username: string; password: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafka: TestKafka;
  }
}

/**
 * Starts one single-node Kafka broker for the whole test run (scripts/kafka/broker.ts) in a temp
 * dir, with a second, SASL/PLAIN listener; stops it when the run ends. Each test makes topics of
 * its own (`useKafka().topic()`); a test that kills the broker starts its own (`ownBroker()`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-test-kafka-'));
  const saslUser = { username: 'tributary-test', password: randomBytes(12).toString('hex') };
  const broker = await startKafkaBroker({ dir, saslPlain: saslUser });
  project.provide('kafka', { brokers: broker.brokers, saslBrokers: broker.saslBrokers, saslUser });
  // Code that reads KAFKA_BROKERS itself names this broker inside the run, never the shell's.
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  return async () => {
    const started = Date.now();
    await broker.stop();
    if (Date.now() - started > 5000) console.warn(`[kafka] the test broker took ${Date.now() - started} ms to stop`);
    rmSync(dir, { recursive: true, force: true });
  };
}
