/**
 * One member of a Kafka consumer group, reading for a subscription source (kafka-consume):
 * kafkajs underneath, our own types on top, so the client could be swapped here alone.
 *
 * At least once, offsets never ahead of what was handed on: each batch of a partition is handed
 * to `deliver` in chunks, and the offset after a chunk is committed only once `deliver` resolved
 * for every record of it (the source's `emit`: durably enqueued). Auto-commit is off. A member
 * stopped, crashed or rebalanced away between a deliver and its commit leaves those records to be
 * read again by whoever owns the partition next; they carry the same keys, so the engine runs each
 * once. A commit for a partition this member no longer owns is refused by the group coordinator
 * (stale generation), so a rebalance never has two members commit one partition.
 *
 * Pause stops fetching (kafkajs `pause`) and ends the batch being handed on after its current
 * chunk, uncommitted records included: they are fetched again on resume.
 */
import kafkajs, { type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import { createKafka, type KafkaConnection } from './connection';
import { kafkaFailure } from './errors';
import { PermanentError } from '../../errors';

/** A record as the consumer hands it on. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: KafkaMessage['headers'];
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records on the broker past what the group committed. */
  lag: number;
}

export interface ConsumerOptions {
  connection: KafkaConnection;
  groupId: string;
  clientId: string;
  /**
   * Exact topics, or a test matched against the topics that exist at start (the caller's matcher:
   * kafkajs would run a user's pattern on the JS regex engine).
   */
  topics: string[] | { matches(topic: string): boolean };
  /** Where a partition without a committed offset starts. */
  startFrom: { at: 'earliest' | 'latest' } | { at: 'timestamp'; timestamp: number };
  /** Hands one record on; resolves once it is durably taken (enqueued). */
  deliver(record: ConsumedRecord): Promise<void>;
  /** A problem being worked around (undefined: gone). */
  report(problem: string | undefined): void;
  /** The consumer can't go on (kafkajs won't restart it). */
  fail(error: Error): void;
  /** Records handed on at once per partition; the offset is committed after each chunk. Default 50. */
  chunk?: number;
  /** Partitions handed on at the same time. Default 4. */
  partitionsConcurrently?: number;
  /** A member silent this long is out of the group and its partitions move. Default 10 s. */
  sessionTimeoutMs?: number;
}

export interface GroupMember {
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Lag per partition this member owns, from the broker (high watermark − committed offset). */
  lag(): Promise<PartitionLag[]>;
}

/** Connects, joins the group and starts reading; resolves once subscribed and running. */
export async function joinGroup(options: ConsumerOptions): Promise<GroupMember> {
  const kafka = createKafka(options.connection, options.clientId, { retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 } });
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 20_000,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  const member = new Member(kafka, consumer, options);
  await member.start();
  return member;
}

/** How long `stop` waits for kafkajs to leave the group and disconnect. */
const STOP_WAIT_MS = 10_000;

async function bounded(pending: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pending.catch(() => undefined), new Promise((done) => (timer = setTimeout(done, ms)))]);
  clearTimeout(timer);
}

class Member implements GroupMember {
  #paused = false;
  #topicNames: string[] = [];
  #stopping = false;
  /** Partitions this member owns, from the last join. */
  #assigned = new Map<string, number[]>();
  readonly #admin: kafkajs.Admin;
  #adminConnected: Promise<void> | null = null;

  constructor(
    kafka: kafkajs.Kafka,
    private readonly consumer: Consumer,
    private readonly options: ConsumerOptions,
  ) {
    this.#admin = kafka.admin();
  }

  async start(): Promise<void> {
    const { consumer, options } = this;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#assigned = new Map(Object.entries(payload.memberAssignment));
      options.report(undefined);
      if (options.startFrom.at === 'timestamp') void this.#seekToTimestamp(options.startFrom.timestamp);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.#stopping) return;
      const error = kafkaFailure(payload.error, `kafka consumer of group ${options.groupId}`);
      if (payload.restart) options.report(`${error.message} (reconnecting)`);
      else options.fail(error);
    });
    try {
      await consumer.connect();
      this.#topicNames = await this.#resolveTopics();
      await consumer.subscribe({ topics: this.#topicNames, fromBeginning: options.startFrom.at === 'earliest' });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 4,
        eachBatch: (payload) => this.#batch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw kafkaFailure(error, `kafka consumer of group ${options.groupId}`);
    }
  }

  async #batch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const size = this.options.chunk ?? 50;
    const { topic, partition } = batch;
    for (let i = 0; i < batch.messages.length; i += size) {
      if (this.#paused || this.#stopping || !isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + size);
      await Promise.all(
        chunk.map((m) =>
          this.options.deliver({ topic, partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, timestamp: m.timestamp, headers: m.headers }),
        ),
      );
      const last = chunk[chunk.length - 1]!.offset;
      // Past this point every record up to `last` is enqueued: commit the next offset to read.
      await this.consumer.commitOffsets([{ topic, partition, offset: String(BigInt(last) + 1n) }]);
      resolveOffset(last);
      await heartbeat();
    }
  }

  /** Partitions without a committed offset start at the first record at or after `timestamp`. */
  async #seekToTimestamp(timestamp: number): Promise<void> {
    try {
      await this.#connectAdmin();
      for (const [topic, partitions] of this.#assigned) {
        const [committed] = await this.#admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
        const fresh = new Set((committed?.partitions ?? []).filter((p) => Number(p.offset) < 0).map((p) => p.partition));
        if (fresh.size === 0) continue;
        for (const { partition, offset } of await this.#admin.fetchTopicOffsetsByTimestamp(topic, timestamp)) {
          if (fresh.has(partition) && partitions.includes(partition)) this.consumer.seek({ topic, partition, offset });
        }
      }
    } catch (error) {
      this.options.report(`could not start at ${new Date(timestamp).toISOString()}: ${(error as Error).message}`);
    }
  }

  #connectAdmin(): Promise<void> {
    this.#adminConnected ??= this.#admin.connect().catch((error: unknown) => {
      this.#adminConnected = null;
      throw error;
    });
    return this.#adminConnected;
  }

  async #resolveTopics(): Promise<string[]> {
    const { topics } = this.options;
    await this.#connectAdmin();
    const existing = await this.#admin.listTopics();
    if (Array.isArray(topics)) {
      // kafkajs would only say "This server does not host this topic-partition".
      const missing = topics.filter((t) => !existing.includes(t));
      if (missing.length > 0) {
        throw new PermanentError(`topic ${missing.join(', ')} does not exist on the brokers (create it, or produce to it where the brokers create topics on first use)`, { code: 'KAFKA_NO_TOPIC' });
      }
      return topics;
    }
    const matching = existing.filter((t) => !t.startsWith('__') && topics.matches(t)).sort();
    if (matching.length === 0) throw new PermanentError('no existing topic matches the topic pattern', { code: 'KAFKA_NO_TOPIC' });
    return matching;
  }

  #topics(): Array<{ topic: string }> {
    return this.#topicNames.map((topic) => ({ topic }));
  }

  async pause(): Promise<void> {
    this.#paused = true;
    this.consumer.pause(this.#topics());
  }

  async resume(): Promise<void> {
    this.#paused = false;
    this.consumer.resume(this.#topics());
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    // disconnect() waits for the batch being handed on, then leaves the group, so its partitions
    // move at once instead of after the session timeout. Bounded: with the brokers unreachable it
    // would wait as long as they are, and an undeploy must not (the group notices the member gone).
    await bounded(this.consumer.disconnect(), STOP_WAIT_MS);
    if (this.#adminConnected) await bounded(this.#admin.disconnect(), STOP_WAIT_MS);
  }

  async lag(): Promise<PartitionLag[]> {
    if (this.#stopping || this.#assigned.size === 0) return [];
    await this.#connectAdmin();
    const lags: PartitionLag[] = [];
    for (const [topic, partitions] of this.#assigned) {
      const [committed] = await this.#admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
      const ends = new Map((await this.#admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
      for (const partition of partitions) {
        const end = ends.get(partition);
        if (!end) continue;
        const at = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
        // No commit yet: everything from the start of the log is still to read (or nothing, for latest).
        const from = at >= 0 ? at : this.options.startFrom.at === 'latest' ? Number(end.high) : Number(end.low);
        lags.push({ topic, partition, lag: Math.max(0, Number(end.high) - from) });
      }
    }
    return lags;
  }
}
