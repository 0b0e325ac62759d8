import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendRawCommand } from './resp';

/**
 * What a private redis-server leaves in its data dir while it runs (`tributary-redis.json`):
 * enough for the next start to recognise a server that outlived the process that started it.
 */
export interface ServerState {
  /** The redis-server process. */
  pid: number;
  port: number;
  /** The Node process that started it and is supposed to stop it. */
  ownerPid: number;
  startedAt: string;
}

export const STATE_FILE = 'tributary-redis.json';

export function readState(dir: string): ServerState | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'));
    if (typeof raw !== 'object' || raw === null) return null;
    const { pid, port, ownerPid, startedAt } = raw as Record<string, unknown>;
    if (!isPid(pid) || !isPid(port) || !isPid(ownerPid)) return null;
    return { pid, port, ownerPid, startedAt: typeof startedAt === 'string' ? startedAt : '' };
  } catch {
    return null;
  }
}

export function writeState(dir: string, state: ServerState): void {
  const file = join(dir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeState(dir: string, pid?: number): void {
  // Only remove the file when it still describes our process; a later server may own it now.
  if (pid !== undefined && readState(dir)?.pid !== pid) return;
  rmSync(join(dir, STATE_FILE), { force: true });
}

/** Whether `pid` is a running process; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, it just isn't ours to signal.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A process whose parent died is reaped by init — which, in a container, may never happen.
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux): trust kill(pid, 0)
  }
}

/** The process's command line as the OS shows it ('' when it can't be read). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  }
}

/**
 * Whether `pid` is a redis-server listening on `port` — not just any process that happens to
 * have been given a recycled pid. redis-server sets its title to `redis-server 127.0.0.1:PORT`.
 */
export function isRedisServerOn(pid: number, port: number): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return /\bredis-server\b/.test(cmd) && cmd.includes(`:${port}`);
}

/** Whether `pid` looks like a live Node process (the owner of a private server). */
export function isLiveNodeProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd === '' || /\bnode\b|\btsx\b/.test(cmd);
}

/** Waits until `pid` is gone; false when it is still alive after `timeoutMs`. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/**
 * Stops a redis-server we did not spawn (left behind by a crashed owner): SHUTDOWN first, which
 * fsyncs the AOF so nothing it acknowledged is lost, then SIGTERM (also a clean shutdown), and
 * SIGKILL only as the last resort.
 */
export async function shutdownForeignServer(pid: number, port: number): Promise<void> {
  await sendRawCommand(port, ['SHUTDOWN'], { timeoutMs: 5000 }).catch(() => null);
  if (await waitForPidExit(pid, 10_000)) return;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForPidExit(pid, 10_000)) return;
  }
  throw new Error(`could not stop the stale redis-server (pid ${pid}, port ${port})`);
}

function isPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
