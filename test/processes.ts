/**
 * Spawning real worker processes for tests (test/worker-process.ts under tsx), and killing them
 * the way a crash would. Every process spawned is killed after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { TEST_SECRET } from './engine';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit signal or code once the process is gone. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  kill(signal?: NodeJS.Signals): Promise<NodeJS.Signals | number | null>;
  /** Starts a process spawned with `standby: true`; resolves once it is `ready`. */
  activate(): Promise<void>;
}

export interface WorkerEnv {
  redisUrl: string;
  prefix: string;
  dataDir: string;
  concurrency?: number;
  /**
   * Spawn a warm spare: loaded but not connected, `spawn` resolves once it says `standby`, and
   * `activate()` starts it. Crash tests use spares to replace a killed process within a second.
   */
  standby?: boolean;
  /** The engine's `misfireMs` (missed-tick threshold of schedules); the engine's default when absent. */
  misfireMs?: number;
}

export function useWorkerProcesses(): { spawn(env: WorkerEnv): Promise<WorkerProcess> } {
  const spawned: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(spawned.splice(0).map((w) => w.kill('SIGKILL')));
  });
  return {
    async spawn(env) {
      // `node --import tsx`, not the tsx binary: that one runs node as a child of its own, and a
      // SIGKILL must hit the process that holds the jobs.
      const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}test/worker-process.ts`], {
        cwd: ROOT,
        env: {
          ...process.env,
          REDIS_URL: env.redisUrl,
          TRIBUTARY_PREFIX: env.prefix,
          TRIBUTARY_DATA: env.dataDir,
          TRIBUTARY_SECRET: TEST_SECRET,
          WORKER_CONCURRENCY: String(env.concurrency ?? 8),
          WORKER_STANDBY: env.standby ? '1' : '0',
          ...(env.misfireMs !== undefined && { TRIBUTARY_MISFIRE_MS: String(env.misfireMs) }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
      let said = '';
      child.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()));
      /** Resolves once the process has printed `word` on a line of its own. */
      const saying = (word: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => said.split('\n').includes(word) && (resolve(), true);
          if (check()) return;
          child.stdout!.on('data', check);
          void exited.then((how) => reject(new Error(`worker process exited before it said ${word} (${String(how)})`)));
        });
      const worker: WorkerProcess = {
        child,
        pid: child.pid!,
        exited,
        async kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
        async activate() {
          child.kill('SIGUSR2');
          await saying('ready');
        },
      };
      spawned.push(worker);
      await saying(env.standby ? 'standby' : 'ready');
      return worker;
    },
  };
}
