/**
 * A real Engine for the bench, in this process, on the bench's Redis: production worker timings
 * and retention unless a scenario says otherwise. Its `log` nodes are the finish line: the
 * engine's logger writes into {@link LogSink}, which counts each "log node" line and, when asked,
 * reads the send time the message carried (`value: t`) to take its latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Engine, type EngineOptions } from '../../engine/engine';
import { nodeCatalogue } from '../../nodes/catalogue';
import { RUNTIMES } from '../../nodes/runtimes';
import { Completions } from './load';
import type { BenchRedis } from './redis';

export class LogSink {
  /** Every log node's line, whatever the flow. */
  readonly completions = new Completions();
  readonly latencies: number[] = [];
  recordLatency = false;
  /** Lines other than the log nodes' (warnings, errors), the first few kept for the report. */
  readonly other: string[] = [];
  readonly #flows = new Map<string, { completions: Completions; countValue: boolean }>();

  /**
   * Completions of one flow's log node: one per line, or — `countValue` — the number the line
   * logged (a merge's window logs how many messages it grouped).
   */
  track(flowId: string, options: { countValue?: boolean } = {}): Completions {
    const tracked = { completions: new Completions(), countValue: options.countValue ?? false };
    this.#flows.set(flowId, tracked);
    return tracked.completions;
  }

  write(line: string): void {
    if (!line.includes('"msg":"log node"')) {
      if (this.other.length < 20) this.other.push(line.trim());
      return;
    }
    const value = /"value":(\d+)/.exec(line)?.[1];
    if (this.recordLatency && value !== undefined) this.latencies.push(Date.now() - Number(value));
    this.completions.add();
    if (this.#flows.size === 0) return;
    const tracked = this.#flows.get(/"flowId":"([^"]*)"/.exec(line)?.[1] ?? '');
    tracked?.completions.add(tracked.countValue ? Number(value ?? 0) : 1);
  }
}

export interface BenchEngine {
  readonly engine: Engine;
  readonly sink: LogSink;
  readonly dataDir: string;
  close(): Promise<void>;
}

export const BENCH_SECRET = 'bench-secret-not-for-production';

export async function startBenchEngine(redis: BenchRedis, prefix: string, extra: Partial<EngineOptions> = {}, sink = new LogSink()): Promise<BenchEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-bench-engine-'));
  const engine = await Engine.start({
    redisUrl: redis.url,
    prefix,
    catalogue: nodeCatalogue,
    runtimes: RUNTIMES,
    secret: BENCH_SECRET,
    dataDir,
    logger: pino({ level: 'info' }, sink),
    outbound: { allow: ['127.0.0.0/8', '::1/128', 'localhost'] },
    ...extra,
  });
  return {
    engine,
    sink,
    dataDir,
    close: async () => {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
