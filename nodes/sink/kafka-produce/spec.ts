/**
 * kafka-produce — sink. Produces one Kafka record per message (brokers from `KAFKA_BROKERS`).
 *
 * Ports:     in → (no outputs)
 * Emits:     nothing downstream; the record's partition and offset are the node's traced result.
 * Transient: brokers unreachable, leader or coordinator changes, request timeouts, not enough
 *            in-sync replicas; they count towards the circuit breaker.
 * Permanent: authorization failures, an unknown topic, a record too large, a failing expression,
 *            a `string` value that isn't a string.
 * Delivery:  at least once, acknowledged per `acks`; every record carries an `Idempotency-Key`
 *            header (the node's idempotency key) so consumers can drop repeats.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { Choice, HEADER_NAME_PATTERN } from '../../shared/schema';
import { KafkaCredential, Ssl, Topic, ValueFormat } from '../../shared/kafka';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'kafka-produce',
  category: 'sink',
  title: 'Kafka produce',
  keywords: ['kafka', 'produce', 'producer', 'publish', 'topic', 'send', 'stream', 'queue'],
  docs: [
    'Publishes each message as one record to a Kafka topic. Brokers come from the server\'s `KAFKA_BROKERS`.',
    '',
    '**Config**',
    '- `topic`: the topic to write to.',
    '- `key`: JSONata giving the record key (optional), e.g. `customerId`; records with one key keep to one',
    '  partition, in order.',
    '- `value`: JSONata giving the record value, default `$` (the payload). `valueFormat`: `json` (default) or',
    '  `string` (the value must be a string).',
    '- `headers`: name → JSONata giving a header value (constants in quotes).',
    '- `acks`: `all` (default; every in-sync replica has it) or `leader`.',
    '- `credential`: a kafka-sasl credential; `ssl`: connect over TLS.',
    '',
    '**Ports**: `in` only.',
    '',
    '**Guarantees**: at least once — the message completes only once the brokers acknowledged the record (per',
    '`acks`); a retry after a crash can write it again. Every record carries an `Idempotency-Key` header, stable',
    'across retries, so consumers can drop repeats.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      topic: Topic({ description: 'The topic records are written to.' }),
      key: Type.Optional(Expression({ title: 'Key', description: 'JSONata giving the record key; one key keeps to one partition.' })),
      value: Expression({ title: 'Value', description: 'JSONata giving the record value.', default: '$' }),
      valueFormat: ValueFormat('How the value is written: as JSON, or as a string as it is.'),
      headers: Type.Record(Type.String({ pattern: HEADER_NAME_PATTERN }), Expression(), {
        title: 'Headers',
        description: 'Header name → JSONata giving its value (a constant is written in quotes).',
        additionalProperties: false,
        maxProperties: 50,
        default: {},
      }),
      acks: Choice(['all', 'leader'], { title: 'Acknowledgement', description: 'Wait for all in-sync replicas, or the leader only.', default: 'all' }),
      credential: Type.Optional(KafkaCredential()),
      ssl: Ssl(),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: [] },
  credentialTypes: ['kafka-sasl'],
});

export type KafkaProduceConfig = ConfigOf<typeof spec>;
