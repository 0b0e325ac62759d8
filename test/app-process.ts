/**
 * The real `npm start` (server/main.ts) and `npm run worker` (server/worker-main.ts) as child
 * processes, for tests of what only a whole process shows: signals, shutdown, surviving a payload.
 * Started as `node --import tsx`, so a signal reaches the process that runs the app. Every process
 * is SIGKILLed after its test if it still runs; its data directory is removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { isRedisServerOn, readState } from '../engine/redis/server-state';
import { privateRedisDir } from '../server/redis';
import { TEST_SECRET } from './engine';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRIES = { start: 'server/main.ts', worker: 'server/worker-main.ts' } as const;

export interface AppProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** `http://127.0.0.1:PORT` once `npm start` said it runs; '' for a worker. */
  readonly url: string;
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** What it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Resolves once a line of its output contains `text`. */
  saying(text: string): Promise<void>;
}

export interface AppEnv {
  redisUrl?: string;
  prefix: string;
  /** Reuse a data directory (e.g. a worker joining the private Redis of a start). */
  dataDir?: string;
  env?: Record<string, string>;
}

export function useAppProcesses(): { spawn(kind: keyof typeof ENTRIES, env: AppEnv): Promise<AppProcess> } {
  const started: Array<{ child: ChildProcess; exited: Promise<unknown>; dir?: string }> = [];
  afterEach(async () => {
    for (const { child, exited, dir } of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      // A process killed (or dead) before it stopped its private Redis leaves it running: that
      // server runs in its own process group, so nothing else would end it.
      const left = dir ? readState(privateRedisDir(dir)) : null;
      if (left && isRedisServerOn(left.pid, left.port)) {
        try {
          process.kill(left.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
  return {
    async spawn(kind, { redisUrl, prefix, dataDir, env = {} }) {
      const ownDir = dataDir ? undefined : mkdtempSync(join(tmpdir(), `tributary-${kind}-`));
      const dir = dataDir ?? ownDir!;
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, ENTRIES[kind])], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...(redisUrl ? { REDIS_URL: redisUrl } : { REDIS_URL: '' }),
          TRIBUTARY_PREFIX: prefix,
          TRIBUTARY_DATA: dir,
          TRIBUTARY_SECRET: TEST_SECRET,
          HOST: '127.0.0.1',
          PORT: '0',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
      started.push({ child, exited, ...(ownDir && { dir: ownDir }) });
      let said = '';
      const listeners = new Set<() => void>();
      const hear = (chunk: Buffer) => {
        said = (said + chunk.toString()).slice(-200_000);
        for (const l of listeners) l();
      };
      child.stdout!.on('data', hear);
      child.stderr!.on('data', hear);
      const saying = (text: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => said.includes(text) && (listeners.delete(check), resolve(), true);
          if (check()) return;
          listeners.add(check);
          void exited.then((how) => reject(new Error(`${kind} exited (${String(how)}) before it said "${text}":\n${said.slice(-3_000)}`)));
        });
      let url = '';
      if (kind === 'start') {
        await saying('Tributary is running at http');
        url = /Tributary is running at (http:\/\/[^\s"]+)/.exec(said)![1]!;
      } else {
        await saying('worker running');
      }
      return { child, dataDir: dir, url, exited, output: () => said, saying };
    },
  };
}
