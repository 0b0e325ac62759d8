/**
 * kafka-consume's source: a subscription (nodes/source-contract.ts). In every engine process one
 * member of the node's consumer group (nodes/runtime/kafka/consumer.ts) hands each record to
 * `emit` as it is — value in base64, so that nothing about a record can fail here — and commits
 * offsets only after their records were enqueued. Decoding is the runtime's (run.ts): a record
 * that can't be decoded fails as one message and is dead-lettered, its partition reading on.
 *
 * The emission key is `topic/partition/offset` (with `@<reprocess label>` when one is set), so a
 * record read again after a crash or rebalance is the same message.
 */
import { RE2JS } from 're2js';
import type { ConfigProblem, SourceCheckContext, Subscription, SubscriptionSource } from '../../source-contract';
import { brokersOf, connectionOf } from '../../runtime/kafka';
import { joinGroup, type ConsumedRecord } from '../../runtime/kafka/consumer';
import { decodeHeaders } from '../../runtime/kafka/values';
import type { KafkaConsumeConfig } from './spec';

/** What the source hands the runtime for one record. */
export interface RawRecord {
  /** The value in base64; null for a tombstone. */
  value: string | null;
}

/** Header values longer than this are cut in `$attrs.headers` (attributes stay small). */
const MAX_HEADER_CHARS = 1024;
const MAX_HEADERS = 50;

export const groupIdOf = (flowId: string, nodeId: string, config: Pick<KafkaConsumeConfig, 'groupId' | 'reprocess'>): string =>
  `${config.groupId ?? `tributary.${flowId}.${nodeId}`}${config.reprocess ? `.${config.reprocess}` : ''}`;

export const recordKey = (record: Pick<ConsumedRecord, 'topic' | 'partition' | 'offset'>, reprocess: string | undefined): string =>
  `${record.topic}/${record.partition}/${record.offset}${reprocess ? `@${reprocess}` : ''}`;

function matcherOf(pattern: string): (topic: string) => boolean {
  const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  return (topic) => re.matcher(topic).find();
}

function attrsOf(record: ConsumedRecord): Record<string, unknown> {
  const headers = Object.entries(decodeHeaders(record.headers)).slice(0, MAX_HEADERS);
  const cut = (v: string) => (v.length > MAX_HEADER_CHARS ? `${v.slice(0, MAX_HEADER_CHARS)}…` : v);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : record.key.toString('utf8'),
    timestamp: new Date(Number(record.timestamp)).toISOString(),
    headers: Object.fromEntries(headers.map(([name, value]) => [name, Array.isArray(value) ? value.map(cut) : cut(value)])),
  };
}

function check(ctx: SourceCheckContext<KafkaConsumeConfig>): ConfigProblem[] {
  const { config } = ctx;
  const problems: ConfigProblem[] = [];
  try {
    brokersOf(config);
  } catch (error) {
    problems.push({ field: 'brokers', message: (error as Error).message });
  }
  if (config.topicPattern !== undefined && config.topics !== undefined) {
    problems.push({ field: 'topicPattern', message: 'give topics or a topic pattern, not both' });
  }
  if (config.topicPattern !== undefined) {
    try {
      matcherOf(config.topicPattern);
    } catch (error) {
      problems.push({ field: 'topicPattern', message: `not a usable regular expression: ${(error as Error).message}` });
    }
  }
  if (config.startFrom === 'timestamp' && Number.isNaN(Date.parse(config.startTimestamp ?? ''))) {
    problems.push({ field: 'startTimestamp', message: 'startFrom "timestamp" needs startTimestamp, an ISO date-time' });
  }
  return problems;
}

export const source: SubscriptionSource<KafkaConsumeConfig> = {
  type: 'kafka-consume',
  kind: 'subscription',
  check,
  async start(ctx): Promise<Subscription> {
    const { config } = ctx;
    const connection = await connectionOf(config, ctx.credentials);
    const matches = config.topicPattern === undefined ? undefined : matcherOf(config.topicPattern);
    const member = await joinGroup({
      connection,
      groupId: groupIdOf(ctx.flowId, ctx.nodeId, config),
      clientId: `tributary-${ctx.processId}`,
      topics: matches ? { matches } : (config.topics ?? []),
      startFrom: config.startFrom === 'timestamp' ? { at: 'timestamp', timestamp: Date.parse(config.startTimestamp ?? '') } : { at: config.startFrom },
      deliver: async (record) => {
        const payload: RawRecord = { value: record.value === null ? null : record.value.toString('base64') };
        await ctx.emit({ key: recordKey(record, config.reprocess), payload, attrs: attrsOf(record) });
      },
      report: (problem) => ctx.report(problem),
      fail: (error) => ctx.fail(error),
    });
    ctx.signal.addEventListener('abort', () => void member.pause().catch(() => undefined), { once: true });
    return { pause: () => member.pause(), resume: () => member.resume(), stop: () => member.stop(), lag: () => member.lag() };
  },
};
