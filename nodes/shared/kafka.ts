/**
 * Kafka fields shared by kafka-consume and kafka-produce. Brokers come from `KAFKA_BROKERS`
 * (server configuration), never from the flow.
 */
import { Type } from '@sinclair/typebox';
import { CredentialRef } from '../fields';
import { Choice } from './schema';

/** Kafka's own rule for topic names. */
export const TOPIC_PATTERN = '^[A-Za-z0-9._-]{1,249}$';

export const Topic = (options: { title?: string; description?: string } = {}) =>
  Type.String({ title: 'Topic', ...options, pattern: TOPIC_PATTERN });

export const ValueFormat = (description: string) =>
  Choice(['json', 'string'], { title: 'Value format', description, default: 'json' });

export const KafkaCredential = () =>
  CredentialRef('kafka-sasl', { description: 'A stored kafka-sasl credential (PLAIN or SCRAM); omit for an unauthenticated cluster.' });

export const Ssl = () => Type.Boolean({ title: 'TLS', description: 'Connect to the brokers over TLS.', default: false });
