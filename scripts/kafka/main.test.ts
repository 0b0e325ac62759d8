/**
 * `npm run kafka` as a newcomer runs it: it prints the KAFKA_BROKERS to use, and a SIGTERM sent to
 * npm alone (a process manager, `kill <pid>`, not a whole terminal's Ctrl-C) stops the broker —
 * no JVM is left behind. npm forwards the signal to the one child it spawned; a shell in between
 * that doesn't pass it on would leave tsx, node and java running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { findFreePort } from '../../engine/redis/free-port';
import { eventually } from '../../test/engine';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Pids whose command line mentions `needle` (Linux /proc). */
function pidsWith(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

it('prints the brokers, and a SIGTERM to npm stops the broker with nothing left running', { timeout: 150_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'tributary-npm-kafka-'));
  const port = await findFreePort();
  const npm: ChildProcess = spawn('npm', ['run', 'kafka'], {
    cwd: ROOT,
    env: { ...process.env, TRIBUTARY_DATA: data, KAFKA_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const config = join(data, 'kafka', 'server.properties');
  cleanup.push(() => rmSync(data, { recursive: true, force: true }));
  cleanup.push(() => {
    for (const pid of pidsWith(config)) process.kill(pid, 'SIGKILL');
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let out = '';
  npm.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((done) => npm.once('exit', () => done()));

  await eventually(() => out.includes('[kafka] ready'), 'the broker ready', 120_000);
  expect(out).toContain(`KAFKA_BROKERS=127.0.0.1:${port} npm start`);
  const [java] = pidsWith(config).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('java'));
  expect(java).toBeGreaterThan(0);

  process.kill(npm.pid!, 'SIGTERM');
  await exited;
  await eventually(() => !alive(java!), 'the broker stopped', 25_000);
  expect(pidsWith(config)).toEqual([]);
});
