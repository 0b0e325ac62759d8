/**
 * Producers shared by every kafka-produce node of this process, one per connection, with a small
 * batcher in front: records handed in within `lingerMs` of each other (concurrent jobs of one
 * worker) go out as one produce request, and each caller learns the fate of its own record.
 *
 * Producers are idempotent (kafkajs: acks -1, one request in flight per broker, sequence numbers),
 * so kafkajs's own retries within one producer session never write a record twice. Across
 * sessions — a worker that crashed after the broker acknowledged, a job retried after a timeout —
 * the same record can be written again; the message-id header is what consumers dedupe on.
 */
import kafkajs, { type IHeaders, type Producer, type RecordMetadata } from 'kafkajs';
import { connectionKey, createKafka, type KafkaConnection } from './connection';
import { kafkaFailure } from './errors';
import { PermanentError } from '../../errors';

/** One record to write; `partition` absent: the key's murmur2 hash picks it (as Java clients do). */
export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: Buffer | string;
  headers: IHeaders;
  partition?: number;
}

/** Where a record landed (partition and offset when the broker's answer tells them apart). */
export interface Written {
  topic: string;
  partition?: number;
  offset?: string;
}

export interface ProducerOptions {
  /** How long a record waits for others to share its produce request. */
  lingerMs: number;
  /** A batch is sent at once when it reaches this many records. */
  maxBatch: number;
}

const DEFAULTS: ProducerOptions = { lingerMs: 5, maxBatch: 500 };
/** A producer not used for this long is disconnected (its sockets would keep a process alive). */
const IDLE_CLOSE_MS = 60_000;
/** How long closing waits for kafkajs to disconnect. */
const CLOSE_WAIT_MS = 3_000;

interface Pending {
  record: OutgoingRecord;
  resolve(written: Written): void;
  reject(error: Error): void;
}

class BatchingProducer {
  #producer: Producer;
  #connected: Promise<void> | null = null;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #idle: NodeJS.Timeout | null = null;

  constructor(
    connection: KafkaConnection,
    private readonly options: ProducerOptions,
    private readonly onIdle: () => void,
  ) {
    this.#producer = createKafka(connection, 'tributary-producer').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 200 },
    });
  }

  send(record: OutgoingRecord): Promise<Written> {
    this.#touch();
    return new Promise((resolve, reject) => {
      this.#pending.push({ record, resolve, reject });
      if (this.#pending.length >= this.options.maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.options.lingerMs);
    });
  }

  async close(): Promise<void> {
    if (this.#idle) clearTimeout(this.#idle);
    if (this.#timer) clearTimeout(this.#timer);
    for (const p of this.#pending.splice(0)) p.reject(kafkaFailure(new Error('producer closed'), 'kafka produce'));
    // kafkajs waits for a connect under way, which lasts as long as the brokers don't answer:
    // shutdown must not.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#producer.disconnect().catch(() => undefined), new Promise((done) => (timer = setTimeout(done, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  #touch(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.onIdle(), IDLE_CLOSE_MS);
    this.#idle.unref();
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#pending.splice(0);
    if (batch.length > 0) void this.#write(batch);
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      this.#connected ??= this.#producer.connect();
      await this.#connected;
      answer(batch, await this.#producer.sendBatch({ acks: -1, topicMessages: groupByTopic(batch) }));
    } catch (error) {
      const failure = kafkaFailure(error, 'kafka produce');
      // One record the broker refuses for good (too large, say) must not fail its neighbours:
      // a batch refused for good is tried again record by record, so each gets its own answer.
      if (failure instanceof PermanentError && batch.length > 1) {
        await Promise.all(batch.map((p) => this.#write([p])));
        return;
      }
      this.#connected = null;
      for (const p of batch) p.reject(failure);
    }
  }
}

function groupByTopic(batch: Pending[]) {
  const topics = new Map<string, kafkajs.Message[]>();
  for (const { record } of batch) {
    const list = topics.get(record.topic) ?? [];
    list.push({ key: record.key, value: record.value, headers: record.headers, ...(record.partition !== undefined && { partition: record.partition }) });
    topics.set(record.topic, list);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * kafkajs answers per topic-partition with the base offset of what it wrote there, not per
 * record. Where a batch wrote a topic to one partition, that topic's records got consecutive
 * offsets in send order; otherwise a record learns only its topic.
 */
function answer(batch: Pending[], results: RecordMetadata[]): void {
  const partitions = new Map<string, RecordMetadata[]>();
  for (const r of results) partitions.set(r.topicName, [...(partitions.get(r.topicName) ?? []), r]);
  const seen = new Map<string, number>();
  for (const p of batch) {
    const { topic } = p.record;
    const index = seen.get(topic) ?? 0;
    seen.set(topic, index + 1);
    const only = partitions.get(topic);
    const meta = only?.length === 1 ? only[0] : undefined;
    const base = meta?.baseOffset ?? meta?.offset;
    p.resolve(meta && base !== undefined ? { topic, partition: meta.partition, offset: String(BigInt(base) + BigInt(index)) } : { topic });
  }
}

/** The producers of this process by connection and batching options. */
const producers = new Map<string, BatchingProducer>();

/** Writes `record` through the shared producer of `connection`; resolves once the brokers acknowledged it (acks -1). */
export function produce(connection: KafkaConnection, record: OutgoingRecord, options: Partial<ProducerOptions> = {}): Promise<Written> {
  const resolved = { ...DEFAULTS, ...options };
  const key = `${connectionKey(connection)} ${resolved.lingerMs} ${resolved.maxBatch}`;
  let producer = producers.get(key);
  if (!producer) {
    const created: BatchingProducer = new BatchingProducer(connection, resolved, () => {
      if (producers.get(key) === created) producers.delete(key);
      void created.close();
    });
    producer = created;
    producers.set(key, producer);
  }
  return producer.send(record);
}

/** Disconnects every producer of this process (engine shutdown). */
export async function closeProducers(): Promise<void> {
  const all = [...producers.values()];
  producers.clear();
  await Promise.all(all.map((p) => p.close()));
}
