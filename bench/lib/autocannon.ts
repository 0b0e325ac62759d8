/**
 * HTTP load from autocannon, run as its own process so that it never shares an event loop with
 * the server it measures (on two cores it still shares the machine; every target pays the same).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface HttpLoad {
  url: string;
  connections: number;
  durationSec: number;
  body: string;
}

export interface HttpLoadResult {
  /** Answers with status 202 per second: the only ones counted. */
  acceptedPerSec: number;
  /** 503 answers (back-pressure), reported apart. */
  unavailable: number;
  /** Answers with any other status, plus errors and timeouts. */
  other: number;
  p50: number;
  p99: number;
}

const AUTOCANNON = join(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');

interface AutocannonJson {
  duration: number;
  latency: { p50: number; p99: number };
  statusCodeStats?: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
}

export async function loadHttp(load: HttpLoad): Promise<HttpLoadResult> {
  const args = [AUTOCANNON, '--json', '-c', String(load.connections), '-d', String(load.durationSec), '-m', 'POST', '-H', 'content-type=application/json', '-b', load.body, load.url];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`autocannon exited with ${code}: ${err.slice(-500)}`))));
  });
  const r = JSON.parse(output) as AutocannonJson;
  const stats = r.statusCodeStats ?? {};
  const count = (code: string) => stats[code]?.count ?? 0;
  const total = Object.values(stats).reduce((a, s) => a + s.count, 0);
  return {
    acceptedPerSec: count('202') / r.duration,
    unavailable: count('503'),
    other: total - count('202') - count('503') + r.errors + r.timeouts,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
