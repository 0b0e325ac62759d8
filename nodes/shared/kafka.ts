/**
 * Kafka fields shared by kafka-consume and kafka-produce. Brokers come from the node's `brokers`
 * or, when it has none, the server's `KAFKA_BROKERS`; secrets from a named credential, never the flow.
 */
import { Type } from '@sinclair/typebox';
import { CredentialRef } from '../fields';
import { Choice } from './schema';

/** Kafka's own rule for topic names. */
export const TOPIC_PATTERN = '^[A-Za-z0-9._-]{1,249}$';

/** `host:port` of a bootstrap broker. */
export const BROKER_PATTERN = '^[A-Za-z0-9.-]{1,253}:[0-9]{1,5}$';

export const Topic = (options: { title?: string; description?: string } = {}) =>
  Type.String({ title: 'Topic', ...options, pattern: TOPIC_PATTERN });

/** How a record value maps to a payload: parsed JSON, text as it is, or bytes as base64. */
export const ValueFormat = (description: string) =>
  Choice(['json', 'string', 'bytes'], { title: 'Value format', description, default: 'json' });

export const Brokers = () =>
  Type.Optional(
    Type.Array(Type.String({ pattern: BROKER_PATTERN }), {
      title: 'Brokers',
      description: 'Bootstrap brokers (`host:port`); when empty, the server\'s `KAFKA_BROKERS`.',
      maxItems: 20,
    }),
  );

export const KafkaCredential = () =>
  CredentialRef('kafka-sasl', { description: 'A stored kafka-sasl credential (PLAIN or SCRAM); omit for an unauthenticated cluster.' });

export const Ssl = () => Type.Boolean({ title: 'TLS', description: 'Connect to the brokers over TLS (the system\'s trusted CAs).', default: false });

/** Header every kafka-produce record carries: the id of the message it was written for. */
export const MESSAGE_ID_HEADER = 'tributary-message-id';

/** Both Kafka node types need brokers: the server's `KAFKA_BROKERS`, or the node's own. */
export const KAFKA_SETTING = {
  env: 'KAFKA_BROKERS',
  unlessConfig: 'brokers',
  message: 'Kafka is not configured on this server: start it with KAFKA_BROKERS set (`npm run kafka` starts a local broker and prints the line), or give this node its own brokers',
};
