/**
 * One BullMQ worker on one flow's queue, in one process. Besides processing, it makes sure no
 * job ever ends in BullMQ's failed set and stays there unseen: a job that failed outside the
 * processor's own handling (it stalled past the limit, or the engine itself failed on its last
 * attempt) is moved into the dead letters — at once when this process sees it fail, and by a
 * periodic sweep for failures no live process saw.
 */
import { Worker, type Job, type Queue } from 'bullmq';
import type { Pino } from './logger';
import type { Delivery } from './delivery';
import { backoffStrategy } from './backoff';

export interface WorkerTimings {
  /** How long a worker owns an active job before another may take it (renewed while running). */
  lockDuration: number;
  /** How often workers look for stalled jobs. */
  stalledInterval: number;
  /** Stalls a job survives before it fails (and goes to the dead letters). */
  maxStalledCount: number;
  /** How often a running job's lock is renewed (BullMQ default: half the lock duration). */
  lockRenewTime?: number;
  /** Seconds an idle worker long-polls for a job. */
  drainDelay?: number;
}

export const DEFAULT_WORKER_TIMINGS: WorkerTimings = { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 2 };

export interface FlowWorkerOptions {
  queue: Queue<Delivery>;
  connection: { url: string };
  prefix: string;
  concurrency: number;
  timings: WorkerTimings;
  /** Resolves with what BullMQ keeps as the job's return value (a tick's outcome), if anything. */
  process: (job: Job<Delivery>, token?: string) => Promise<unknown>;
  /** Moves a job BullMQ failed into the dead letters, idempotently; then the job is removed. */
  deadLetterFailed: (job: Job<Delivery>, reason: string) => Promise<void>;
  log: Pino;
  sweepEveryMs?: number;
}

export class FlowWorker {
  readonly worker: Worker<Delivery>;
  readonly #sweep: NodeJS.Timeout;
  #sweeping: Promise<void> | undefined;

  constructor(private readonly options: FlowWorkerOptions) {
    const { queue, timings } = options;
    this.worker = new Worker<Delivery>(queue.name, (job, token) => options.process(job, token), {
      connection: { url: options.connection.url, maxRetriesPerRequest: null },
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: timings.lockDuration,
      stalledInterval: timings.stalledInterval,
      maxStalledCount: timings.maxStalledCount,
      ...(timings.lockRenewTime !== undefined && { lockRenewTime: timings.lockRenewTime }),
      ...(timings.drainDelay !== undefined && { drainDelay: timings.drainDelay }),
      settings: { backoffStrategy },
      autorun: true,
    });
    this.worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.finishedOn !== undefined && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message));
      if (final) void this.#deadLetter(job, error.message);
    });
    // A worker reconnects by itself; the error event only needs to be seen, never to crash us.
    this.worker.on('error', (error) => options.log.warn({ err: error.message, queue: queue.name }, 'worker error'));
    this.#sweep = setInterval(() => void this.sweep(), options.sweepEveryMs ?? 10_000);
    this.#sweep.unref();
  }

  async #deadLetter(job: Job<Delivery>, reason: string): Promise<void> {
    try {
      await this.options.deadLetterFailed(job, reason);
    } catch (error) {
      // The job stays in the failed set; the next sweep tries again.
      this.options.log.warn({ err: (error as Error).message, jobId: job.id }, 'could not dead-letter a failed job yet');
    }
  }

  /** Dead-letters every job in the failed set (normally empty). */
  sweep(): Promise<void> {
    this.#sweeping ??= (async () => {
      try {
        const failed = await this.options.queue.getFailed(0, 99);
        for (const job of failed) await this.#deadLetter(job, job.failedReason || 'failed');
      } catch (error) {
        this.options.log.debug({ err: (error as Error).message }, 'failed-job sweep skipped');
      }
    })().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  /** Waits until the flow's queue holds nothing more to do, then closes the worker. */
  async drainAndClose(pollMs = 200): Promise<void> {
    for (;;) {
      const counts = await this.options.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    await this.close();
  }

  async close(force = false): Promise<void> {
    clearInterval(this.#sweep);
    await this.worker.close(force);
  }
}
