/**
 * Bare BullMQ chains, the baseline the engine is read against: the same Redis, the same
 * concurrency (16 per worker, the engine's default), jobs kept and retried as the engine keeps
 * them — and nothing else: no plans, runs, traces, metrics or done markers.
 *
 * - `three-queues`: hop 1 → 2 → 3, one queue and one worker per hop;
 * - `one-queue`: five hops in one queue and one worker (the engine's shape: one queue per flow).
 */
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Completions } from './load';
import type { BenchRedis } from './redis';

export type ChainShape = 'three-queues' | 'one-queue';

export interface BareMessage {
  i: number;
  /** When it was sent (ms since the epoch), for latency. */
  t: number;
  hop: number;
}

export interface BareChain {
  readonly hops: number;
  readonly completions: Completions;
  /** Latency samples (ms, send → last hop) while `recordLatency` is true. */
  readonly latencies: number[];
  recordLatency: boolean;
  send(message: Omit<BareMessage, 'hop'>): Promise<unknown>;
  /** Removes what is still waiting (a run that fell behind must not load the next one). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000, age: 3_600 },
  removeOnFail: false,
};

const CONCURRENCY = 16;

export async function startBareChain(redis: BenchRedis, shape: ChainShape, prefix: string): Promise<BareChain> {
  const hops = shape === 'three-queues' ? 3 : 5;
  const queueCount = shape === 'three-queues' ? 3 : 1;
  const connection = redis.connection();
  const queues = Array.from({ length: queueCount }, (_, q) => new Queue<BareMessage>(`bare-${shape}-${q}`, { connection, prefix }));
  const completions = new Completions();
  const chain: BareChain = {
    hops,
    completions,
    latencies: [],
    recordLatency: false,
    send: (message) => queues[0]!.add('hop', { ...message, hop: 0 }, JOB_OPTIONS),
    clear: async () => {
      await Promise.all(queues.map((q) => q.drain(true)));
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
    },
  };
  const processor = async (job: Job<BareMessage>) => {
    const { hop } = job.data;
    if (hop === hops - 1) {
      if (chain.recordLatency) chain.latencies.push(Date.now() - job.data.t);
      completions.add();
      return;
    }
    const next = queues[queueCount === 1 ? 0 : hop + 1]!;
    await next.add('hop', { ...job.data, hop: hop + 1 }, JOB_OPTIONS);
  };
  const workers = queues.map((q) => new Worker<BareMessage>(q.name, processor, { connection: redis.connection(), prefix, concurrency: CONCURRENCY }));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return chain;
}
