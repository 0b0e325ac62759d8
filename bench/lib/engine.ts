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
  readonly completions = new Completions();
  readonly latencies: number[] = [];
  recordLatency = false;
  /** Lines other than the log nodes' (warnings, errors), the last few kept for the report. */
  readonly other: string[] = [];

  write(line: string): void {
    if (line.includes('"msg":"log node"')) {
      if (this.recordLatency) {
        const sentAt = /"value":(\d+)/.exec(line);
        if (sentAt) this.latencies.push(Date.now() - Number(sentAt[1]));
      }
      this.completions.add();
    } else if (this.other.length < 20) {
      this.other.push(line.trim());
    }
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
