/**
 * kafka-consume — source. Consumes Kafka topics in a consumer group (brokers from `KAFKA_BROKERS`).
 *
 * Ports:     (no inputs) → out
 * Emits:     one message per record; payload = the value (parsed JSON, or the string), attrs
 *            `{ topic, partition, offset, key, timestamp, headers }`. Its id derives from
 *            topic/partition/offset, so a record read again is a duplicate.
 * Transient: brokers unreachable, rebalances, coordinator or leader changes (the consumer reconnects).
 * Permanent: a value that isn't JSON in `json` format (that record takes the onError path;
 *            consumption goes on). Authorization or unknown-topic errors stop the consumer and
 *            show on the deployment.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { KafkaCredential, Ssl, Topic, ValueFormat } from '../../shared/kafka';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'kafka-consume',
  category: 'source',
  title: 'Kafka consume',
  keywords: ['kafka', 'consume', 'consumer', 'topic', 'subscribe', 'stream', 'queue'],
  docs: [
    'Consumes one or more Kafka topics as a consumer group and emits one message per record. Brokers come',
    'from the server\'s `KAFKA_BROKERS`.',
    '',
    '**Config**',
    '- `topics`: the topics to subscribe to.',
    '- `groupId`: the consumer group; when omitted, one per flow and node (`tributary.<flowId>.<nodeId>`).',
    '- `fromBeginning`: where a group without committed offsets starts — the earliest record, or only new ones (default).',
    '- `valueFormat`: `json` (default; a value that isn\'t JSON fails that record) or `string`.',
    '- `credential`: a kafka-sasl credential; `ssl`: connect over TLS.',
    '',
    '**Ports**: `out` — payload is the record value; topic, partition, offset, key, timestamp and headers are in',
    'the message attributes.',
    '',
    '**Guarantees**: at least once. An offset is committed only after its message is durably enqueued; records',
    'read again after a crash or rebalance carry the same ids and are skipped as duplicates. The consumer pauses',
    'while the flow is over its backlog limit. Records of one partition may be reordered by retries.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      topics: Type.Array(Topic(), { title: 'Topics', minItems: 1, maxItems: 100, uniqueItems: true }),
      groupId: Type.Optional(
        Type.String({ title: 'Consumer group', description: 'Defaults to `tributary.<flowId>.<nodeId>`.', pattern: '^[A-Za-z0-9._-]{1,255}$' }),
      ),
      fromBeginning: Type.Boolean({ title: 'From beginning', description: 'A new group starts at the earliest record instead of the next one.', default: false }),
      valueFormat: ValueFormat('How record values are read: parsed as JSON, or kept as a string.'),
      credential: Type.Optional(KafkaCredential()),
      ssl: Ssl(),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: [], outputs: SINGLE_OUTPUT },
  credentialTypes: ['kafka-sasl'],
});

export type KafkaConsumeConfig = ConfigOf<typeof spec>;
