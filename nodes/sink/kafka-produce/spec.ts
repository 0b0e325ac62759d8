/**
 * kafka-produce — sink. Produces one Kafka record per message.
 *
 * Ports:     in → (no outputs)
 * Emits:     nothing downstream; the record's topic, partition and offset are the node's traced result.
 * Transient: brokers unreachable, leader or coordinator changes, request timeouts, not enough
 *            in-sync replicas; they count towards the circuit breaker.
 * Permanent: authentication or authorization failures, a record too large, a failing expression,
 *            a `string` value that isn't a string, a `bytes` value that isn't base64, no brokers.
 * Delivery:  at least once, acknowledged by every in-sync replica (acks -1); every record carries
 *            the message id (`tributary-message-id`) and the node's idempotency key
 *            (`idempotency-key`) as headers, so consumers can drop repeats.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { HEADER_NAME_PATTERN } from '../../shared/schema';
import { Brokers, KAFKA_SETTING, KafkaCredential, Ssl, Topic, ValueFormat } from '../../shared/kafka';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'kafka-produce',
  category: 'sink',
  title: 'Kafka produce',
  keywords: ['kafka', 'produce', 'producer', 'publish', 'topic', 'send', 'stream', 'queue'],
  docs: [
    'Publishes each message as one record to a Kafka topic. Brokers: the node\'s `brokers`, else the server\'s',
    '`KAFKA_BROKERS`.',
    '',
    '**Config**',
    '- `topic`: the topic to write to.',
    '- `key`: JSONata giving the record key (optional), e.g. `customerId`; records with one key keep to one',
    '  partition, in order.',
    '- `partition`: JSONata giving the partition number (optional). Without it the key\'s murmur2 hash picks the',
    '  partition, as Java clients do; records without a key are spread over the partitions.',
    '- `value`: JSONata giving the record value, default `$` (the payload). `valueFormat`: `json` (default),',
    '  `string` (the value must be a string) or `bytes` (a base64 string, written as the bytes it encodes).',
    '- `headers`: name → JSONata giving a header value (constants in quotes).',
    '- `lingerMs`: how long a record waits for others to share one produce request (batching).',
    '- `credential`: a kafka-sasl credential; `ssl`: connect over TLS.',
    '',
    '**Ports**: `in` only.',
    '',
    '**Guarantees**: at least once. The message completes only once every in-sync replica has the record',
    '(acks -1). The producer is idempotent, but Kafka dedupes that way only within one producer session: a',
    'worker that crashes after the broker acknowledged, or a retry after a timeout, writes the record again.',
    'So every record carries the id of the message it was written for (`tributary-message-id`, the same on',
    'every retry) and the node\'s idempotency key (`idempotency-key`): a consumer that drops a repeated id',
    'sees each message once. A Tributary kafka-consume downstream keeps the header in `$attrs.headers`.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      topic: Topic({ description: 'The topic records are written to.' }),
      key: Type.Optional(Expression({ title: 'Key', description: 'JSONata giving the record key; one key keeps to one partition.' })),
      partition: Type.Optional(Expression({ title: 'Partition', description: 'JSONata giving the partition number; without it the key picks one.' })),
      value: Expression({ title: 'Value', description: 'JSONata giving the record value.', default: '$' }),
      valueFormat: ValueFormat('How the value is written: as JSON, as a string as it is, or as the bytes a base64 string encodes.'),
      headers: Type.Record(Type.String({ pattern: HEADER_NAME_PATTERN }), Expression(), {
        title: 'Headers',
        description: 'Header name → JSONata giving its value (a constant is written in quotes).',
        additionalProperties: false,
        maxProperties: 50,
        default: {},
      }),
      lingerMs: Type.Integer({ title: 'Linger (ms)', description: 'How long a record waits to be batched with others.', minimum: 0, maximum: 1000, default: 5 }),
      brokers: Brokers(),
      credential: Type.Optional(KafkaCredential()),
      ssl: Ssl(),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: [] },
  credentialTypes: ['kafka-sasl'],
  serverSetting: KAFKA_SETTING,
});

export type KafkaProduceConfig = ConfigOf<typeof spec>;
