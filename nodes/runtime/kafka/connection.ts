/**
 * How a Kafka node reaches its cluster: brokers (the node's own, else the server's
 * `KAFKA_BROKERS`), SASL from a named credential, TLS. The one place that builds a kafkajs client,
 * so swapping the client library touches this folder only. Server-only.
 */
import { createHash } from 'node:crypto';
import kafkajs, { type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Credential, Credentials } from '../../runtime';
import { PermanentError } from '../../errors';

/** What a node's config says about its cluster (the fields shared by kafka-consume and kafka-produce). */
export interface KafkaClusterConfig {
  brokers?: string[];
  credential?: string;
  ssl?: boolean;
}

/** Everything needed to connect, secrets included: never logged, traced or stored. */
export interface KafkaConnection {
  brokers: string[];
  sasl?: Extract<Credential, { type: 'kafka-sasl' }>;
  ssl: boolean;
}

/** Thrown when neither the node nor the server names brokers. */
export const BROKERS_MISSING = 'KAFKA_BROKERS_MISSING';

/** `KAFKA_BROKERS` of this process: comma-separated `host:port`, empty when unset. */
export function serverBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

/** Whether this server can reach Kafka without brokers in the node's config. */
export const kafkaConfigured = (env: NodeJS.ProcessEnv = process.env): boolean => serverBrokers(env).length > 0;

export function brokersOf(config: KafkaClusterConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const brokers = config.brokers && config.brokers.length > 0 ? config.brokers : serverBrokers(env);
  if (brokers.length === 0) {
    throw new PermanentError('no Kafka brokers: set KAFKA_BROKERS on the server (`npm run kafka` starts a local broker) or the node\'s brokers', { code: BROKERS_MISSING });
  }
  return brokers;
}

/** Resolves the node's cluster config into a connection, reading the credential when it names one. */
export async function connectionOf(config: KafkaClusterConfig, credentials: Credentials): Promise<KafkaConnection> {
  const brokers = brokersOf(config);
  const sasl = config.credential ? await credentials.get(config.credential, 'kafka-sasl') : undefined;
  return { brokers, ssl: config.ssl === true, ...(sasl && { sasl }) };
}

/**
 * A key telling connections apart without holding their secret in the clear: clients are reused
 * per key, and a changed password must make a new one.
 */
export function connectionKey(connection: KafkaConnection): string {
  const sasl = connection.sasl;
  return JSON.stringify([connection.brokers, connection.ssl, sasl ? [sasl.mechanism, sasl.username, hashSecret(sasl.password)] : null]);
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

function saslOptions(sasl: KafkaConnection['sasl']): SASLOptions | undefined {
  if (!sasl) return undefined;
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}

/** A kafkajs client for `connection`; kafkajs's own logging stays off (errors surface as errors). */
export function createKafka(connection: KafkaConnection, clientId: string, options: Pick<KafkaConfig, 'retry'> = {}): kafkajs.Kafka {
  const sasl = saslOptions(connection.sasl);
  return new kafkajs.Kafka({
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    ...(sasl && { sasl }),
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 3000,
    ...options,
  });
}
