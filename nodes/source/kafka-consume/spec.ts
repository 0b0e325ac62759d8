/**
 * kafka-consume — source (a subscription: one consumer-group member in every engine process).
 *
 * Ports:     (no inputs) → out
 * Emits:     one message per record; payload = the value decoded per `valueFormat`, attrs
 *            `{ topic, partition, offset, key, timestamp, headers }`. Its id derives from
 *            topic/partition/offset (and the `reprocess` label), so a record read again is the same
 *            message and runs once.
 * Transient: brokers unreachable, rebalances, coordinator or leader changes (the consumer
 *            reconnects by itself; the deployment shows the problem meanwhile).
 * Permanent: a value that can't be decoded (that record is dead-lettered; its partition reads
 *            on). Authentication or authorization failures stop the member (restarted after a
 *            pause) and show on the deployment.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { Choice } from '../../shared/schema';
import { Brokers, KAFKA_SETTING, KafkaCredential, Ssl, Topic, ValueFormat } from '../../shared/kafka';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'kafka-consume',
  category: 'source',
  title: 'Kafka consume',
  keywords: ['kafka', 'consume', 'consumer', 'topic', 'subscribe', 'stream', 'queue'],
  docs: [
    'Consumes Kafka topics as a consumer group and emits one message per record. Brokers: the node\'s',
    '`brokers`, else the server\'s `KAFKA_BROKERS`. Every engine process (`npm start`, each `npm run worker`)',
    'runs one member of the group, so the partitions are shared among them.',
    '',
    '**Config**',
    '- `topics`: the topics to subscribe to; or `topicPattern`: a regular expression matched against the',
    '  topics that exist when the consumer starts.',
    '- `groupId`: the consumer group; when omitted, one per flow and node (`tributary.<flowId>.<nodeId>`).',
    '- `startFrom`: where a group without committed offsets starts: `latest` (default: only new records),',
    '  `earliest`, or `timestamp` (the first record at or after `startTimestamp`, an ISO date-time).',
    '- `reprocess`: to read everything again, set a new label (e.g. a date) and redeploy. The node then reads',
    '  as the group `<groupId>.<label>`, which has no offsets yet, from `startFrom`; records read again are new',
    '  messages (their ids include the label). Remove the label to go back to the group\'s own offsets.',
    '- `valueFormat`: `json` (default), `string` (UTF-8 text) or `bytes` (the payload is the value in base64).',
    '  A value that can\'t be decoded fails that record (dead letter by default); the partition reads on.',
    '- `credential`: a kafka-sasl credential (PLAIN or SCRAM); `ssl`: connect over TLS.',
    '',
    '**Ports**: `out` — payload is the decoded value; topic, partition, offset, key, timestamp and headers are',
    'in `$attrs`.',
    '',
    '**Guarantees**: at least once. An offset is committed only after its record\'s message is durably',
    'enqueued; records read again after a crash or a rebalance carry the same ids and run once (while the',
    'engine keeps its markers, 7 days by default). The consumer pauses while the flow is over its backlog',
    'bound and resumes below it. Records of one partition may be reordered by retries. The consumer lag per',
    'partition shows in `GET /api/deployments` and `/metrics`.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      topics: Type.Optional(Type.Array(Topic(), { title: 'Topics', minItems: 1, maxItems: 100, uniqueItems: true })),
      topicPattern: Type.Optional(
        Type.String({ title: 'Topic pattern', description: 'A regular expression matched against topic names, e.g. `^orders\\.`.', minLength: 1, maxLength: 200 }),
      ),
      groupId: Type.Optional(
        Type.String({ title: 'Consumer group', description: 'Defaults to `tributary.<flowId>.<nodeId>`.', pattern: '^[A-Za-z0-9._-]{1,200}$' }),
      ),
      startFrom: Choice(['latest', 'earliest', 'timestamp'], { title: 'Start from', description: 'Where a group without committed offsets starts.', default: 'latest' }),
      startTimestamp: Type.Optional(Type.String({ title: 'Start timestamp', description: 'ISO date-time, for `startFrom: timestamp`.', format: 'date-time' })),
      reprocess: Type.Optional(
        Type.String({ title: 'Reprocess label', description: 'A new label reads everything again as a fresh group.', pattern: '^[A-Za-z0-9._-]{1,40}$' }),
      ),
      valueFormat: ValueFormat('How record values are read: parsed as JSON, kept as text, or as base64 bytes.'),
      brokers: Brokers(),
      credential: Type.Optional(KafkaCredential()),
      ssl: Ssl(),
    },
    {
      additionalProperties: false,
      // Topics when there is no pattern. (Not both, and startTimestamp for `startFrom: timestamp`,
      // are checked at deploy by the source. Each keyword names its properties again only because
      // ajv's strict mode wants that.)
      if: { properties: { topicPattern: {} }, required: ['topicPattern'] },
      then: {},
      else: { properties: { topics: {} }, required: ['topics'] },
    },
  ),
  ports: { inputs: [], outputs: SINGLE_OUTPUT },
  credentialTypes: ['kafka-sasl'],
  serverSetting: KAFKA_SETTING,
});

export type KafkaConsumeConfig = ConfigOf<typeof spec>;
