/**
 * Load drivers sized by time, not by message count: a closed loop that keeps a fixed number of
 * messages in flight (throughput), and an open loop at a fixed rate (latency).
 */
import { startWindow, sleep, type Usage } from './measure';
import type { BenchRedis } from './redis';
import { median } from './stats';

/** Counts messages that reached the end of what is measured; lets a producer wait for the next. */
export class Completions {
  count = 0;
  #waiters: Array<() => void> = [];

  add(n = 1): void {
    this.count += n;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at the next completion, or after `maxMs` (so a stalled subject can't hang the bench). */
  next(maxMs = 200): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves once `count` reaches `target`, or false after `maxMs`. */
  async reach(target: number, maxMs: number): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    while (this.count < target) {
      if (Date.now() > deadline) return false;
      await this.next();
    }
    return true;
  }
}

export interface Sizes {
  /** Length of one measured window. */
  durationMs: number;
  /** Load before the window opens (JIT, connection pools, queues filled). */
  warmupMs: number;
  /** Measured runs whose median is reported. */
  repeats: number;
  /** Longest wait for what was sent to finish after a window. */
  drainMs: number;
}

/** ~20 s windows, medians of 3 in a full run; about a second, once, in `--quick`. */
export function sizes(quick: boolean, full: Partial<Sizes> = {}): Sizes {
  if (quick) return { durationMs: 700, warmupMs: 200, repeats: 1, drainMs: 10_000 };
  return { durationMs: 20_000, warmupMs: 2_000, repeats: 3, drainMs: 60_000, ...full };
}

export interface ClosedLoopOptions {
  redis: BenchRedis;
  completions: Completions;
  /** Sends message `i` (resolves once it is accepted: for the engine, durably enqueued). */
  send(i: number): Promise<unknown>;
  /** Messages in flight at once. Default 200. */
  inflight?: number;
  /** Concurrent senders (each awaits its send). Default 8. */
  producers?: number;
  durationMs: number;
  warmupMs: number;
  drainMs: number;
  /** Told when the measured window opens and closes (e.g. to cut a CPU profile to it). */
  onWindow?(edge: 'start' | 'end'): void;
}

export interface Throughput extends Usage {
  /** Messages completed per second in the window. */
  perSec: number;
  completed: number;
  /** Messages sent over the whole loop (warm-up and drain included). */
  sent: number;
  /** Sends refused (back-pressure) over the whole run. */
  refused: number;
  /** Whether everything sent finished after the window (within drainMs). */
  drained: boolean;
}

export async function closedLoop(o: ClosedLoopOptions): Promise<Throughput> {
  const inflight = o.inflight ?? 200;
  const start = o.completions.count;
  let sent = 0;
  let refused = 0;
  let stop = false;
  const producer = async () => {
    while (!stop) {
      if (sent - (o.completions.count - start) >= inflight) {
        await o.completions.next();
        continue;
      }
      const i = sent++;
      try {
        await o.send(i);
      } catch {
        sent--;
        refused++;
        await sleep(10);
      }
    }
  };
  const producers = Array.from({ length: o.producers ?? 8 }, producer);
  // The warm-up counts from the first message through: a just-deployed flow's worker may not be up yet.
  await o.completions.reach(start + 1, o.drainMs);
  await sleep(o.warmupMs);
  const end = await startWindow(o.redis);
  o.onWindow?.('start');
  const c0 = o.completions.count;
  await sleep(o.durationMs);
  const completed = o.completions.count - c0;
  o.onWindow?.('end');
  const usage = await end();
  stop = true;
  await Promise.all(producers);
  const drained = await o.completions.reach(start + sent, o.drainMs);
  return { ...usage, perSec: completed / usage.seconds, completed, sent, refused, drained };
}

export interface FixedRateOptions {
  redis: BenchRedis;
  completions: Completions;
  /** Sends message `i`, scheduled at `t` (ms since the epoch): the sink measures latency from `t`. */
  send(i: number, t: number): Promise<unknown>;
  rate: number;
  durationMs: number;
  drainMs: number;
}

export interface RateResult extends Usage {
  sent: number;
  /** Sends not made because too many were still pending (the subject fell behind). */
  behind: number;
  refused: number;
  /** Completed within the window plus drainMs, as a share of what was sent. */
  completedShare: number;
  /** Completed per second inside the window (what the subject kept up with). */
  perSec: number;
}

/** At most this many sends pending at once; past it the driver counts itself behind. */
const MAX_PENDING_SENDS = 500;

export async function fixedRate(o: FixedRateOptions): Promise<RateResult> {
  const start = o.completions.count;
  let sent = 0;
  let behind = 0;
  let refused = 0;
  let pending = 0;
  const end = await startWindow(o.redis);
  const t0 = Date.now();
  while (Date.now() - t0 < o.durationMs) {
    const due = Math.floor(((Date.now() - t0) * o.rate) / 1000);
    while (sent + behind < due) {
      const i = sent + behind;
      const t = t0 + (i * 1000) / o.rate;
      if (pending >= MAX_PENDING_SENDS) {
        behind++;
        continue;
      }
      sent++;
      pending++;
      o.send(i, t).then(
        () => pending--,
        () => {
          pending--;
          refused++;
        },
      );
    }
    await sleep(2);
  }
  const inWindow = o.completions.count - start;
  const usage = await end();
  while (pending > 0) await sleep(5);
  await o.completions.reach(start + sent - refused, o.drainMs);
  return { ...usage, sent, behind, refused, perSec: inWindow / usage.seconds, completedShare: sent === 0 ? 0 : (o.completions.count - start) / sent };
}

/** The median of each field over the runs (each field on its own). */
export function medianRun(runs: readonly Throughput[]): Throughput {
  const pick = (f: (t: Throughput) => number) => median(runs.map(f));
  return {
    seconds: pick((t) => t.seconds),
    nodeCpu: pick((t) => t.nodeCpu),
    redisCpu: pick((t) => t.redisCpu),
    commands: pick((t) => t.commands),
    perSec: pick((t) => t.perSec),
    completed: pick((t) => t.completed),
    sent: pick((t) => t.sent),
    refused: pick((t) => t.refused),
    drained: runs.every((t) => t.drained),
  };
}

