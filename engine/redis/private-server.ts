import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from './free-port';
import { DEFAULT_MEMORY_LIMIT_BYTES } from './memory-guard';
import { sendRawCommand } from './resp';
import {
  isLiveNodeProcess,
  isRedisServerOn,
  readState,
  removeState,
  shutdownForeignServer,
  writeState,
} from './server-state';

/** Options of {@link startPrivateRedis}. */
export interface PrivateRedisOptions {
  /** Directory for the AOF, the log (`redis-server.log`) and the state file; created if missing. */
  dir: string;
  /** Port to listen on (always 127.0.0.1). Default: a free one, chosen again on a bind race. */
  port?: number;
  /** Keep data on disk with AOF (`npm start`), or not at all (tests). */
  persist: boolean;
  /** AOF fsync policy when `persist`. Default `everysec` (a Redis crash loses up to ~1 s). */
  appendfsync?: 'everysec' | 'always';
  /** The redis-server executable. Default: `redis-server` found on PATH. */
  redisServer?: string;
  /** How long to wait for the server to answer PING, AOF loading included. Default 30 000 ms. */
  startTimeoutMs?: number;
  /**
   * Run the server in its own process group (default true). Then a Ctrl-C in the terminal reaches
   * only the Node process, which can drain its workers before it calls `stop()`. Throwaway test
   * servers pass false so that they die with the terminal's Ctrl-C too.
   */
  detached?: boolean;
  /**
   * `maxmemory` in bytes (default 1 GiB). With `noeviction` a full Redis refuses writes instead
   * of evicting; the engine sheds intake before that (engine/redis/memory-guard.ts).
   */
  maxmemory?: number;
  /** More `redis-server` arguments, e.g. `['--enable-debug-command', 'local']`. */
  extraArgs?: readonly string[];
  /** Receives a line when something worth telling happens (a stale server stopped). */
  log?: (line: string) => void;
}

/** A redis-server process owned by this Node process. */
export interface PrivateRedis {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Stays the same across `restart()`. */
  readonly port: number;
  /** The current process id; changes on `restart()`. */
  readonly pid: number;
  readonly dir: string;
  /** Whether the process is alive. */
  readonly running: boolean;
  /** Graceful stop (SHUTDOWN, which fsyncs the AOF; then SIGTERM; SIGKILL last); resolves once it exited. */
  stop(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL: a crash) and resolves once the process is gone. Signals that
   * don't end a process (SIGSTOP, SIGCONT, SIGTSTP) resolve once sent.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and dir. */
  restart(): Promise<void>;
}

/** Thrown when no redis-server executable can be found. */
export class RedisServerMissingError extends Error {
  constructor(what: string) {
    super(
      `${what} was not found, and Tributary needs it to run a private Redis (set REDIS_URL to use an existing one). ` +
        'Install it with `apt-get install -y redis-server` (Debian/Ubuntu; `npm start` and `npm test` try this ' +
        'themselves when running as root) or your platform\'s Redis 6.2+ package.',
    );
    this.name = 'RedisServerMissingError';
  }
}

const LOG_FILE = 'redis-server.log';
const LOG_CAP_BYTES = 5 * 1024 * 1024;
const BIND_ATTEMPTS = 5;
const NON_TERMINATING = new Set<NodeJS.Signals>(['SIGSTOP', 'SIGCONT', 'SIGTSTP']);

/**
 * Starts a redis-server bound to 127.0.0.1 and resolves once it answers PING.
 *
 * Its settings are the ones BullMQ needs and DESIGN.md promises: `maxmemory-policy noeviction`,
 * AOF only (`save ''`) with `appendfsync everysec` unless told `always`, or no persistence at
 * all for tests; protected mode on.
 *
 * A state file in `dir` records the server and its owner. A server left running by an owner that
 * died (a crashed `npm start`) is stopped with SHUTDOWN and a fresh one started on the same
 * files. We stop rather than adopt it because an adopted server is not our child: we could not
 * see it exit (crash tests and `stop()` rely on that), and it keeps the options, port and log of
 * the run that started it rather than the ones asked for now. SHUTDOWN fsyncs the AOF, so
 * stopping loses nothing; the cost is one AOF reload. A server whose owner is still alive is
 * left alone: starting a second server on the same files would corrupt them.
 */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  const opts = { appendfsync: 'everysec' as const, startTimeoutMs: 30_000, detached: true, extraArgs: [], maxmemory: DEFAULT_MEMORY_LIMIT_BYTES, ...options };
  if (opts.appendfsync !== 'everysec' && opts.appendfsync !== 'always') {
    throw new Error(`appendfsync must be 'everysec' or 'always', got ${String(opts.appendfsync)}`);
  }
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535)) {
    throw new Error(`port must be an integer in 1..65535, got ${opts.port}`);
  }
  const dir = resolvePath(opts.dir);
  mkdirSync(dir, { recursive: true });
  const binary = findExecutable(opts.redisServer ?? 'redis-server');
  await retireStaleServer(dir, opts.log);
  const server = new PrivateRedisServer({ ...opts, dir, binary });
  await server.start(opts.port);
  return server;
}

interface ResolvedOptions extends Required<Omit<PrivateRedisOptions, 'port' | 'redisServer' | 'log'>> {
  binary: string;
  log?: ((line: string) => void) | undefined;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

class PrivateRedisServer implements PrivateRedis {
  #port = 0;
  #child: ChildProcess | null = null;
  #exit: Exit | null = null;
  #exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });

  constructor(private readonly opts: ResolvedOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }
  get port(): number {
    return this.#port;
  }
  get pid(): number {
    return this.#child?.pid ?? 0;
  }
  get dir(): string {
    return this.opts.dir;
  }
  get running(): boolean {
    return this.#child !== null && this.#exit === null;
  }

  async start(fixedPort: number | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = fixedPort ?? (await findFreePort());
      try {
        await this.#spawn(port);
        return;
      } catch (err) {
        const retry = err instanceof StartFailure && err.addressInUse && fixedPort === undefined && attempt < BIND_ATTEMPTS;
        if (!retry) throw err;
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || this.#exit) return;
    // NOSAVE only matters without persistence: with AOF on, SHUTDOWN fsyncs it either way.
    const command = this.opts.persist ? ['SHUTDOWN'] : ['SHUTDOWN', 'NOSAVE'];
    await sendRawCommand(this.#port, command, { timeoutMs: 5000 }).catch(() => null);
    for (const signal of [null, 'SIGTERM', 'SIGKILL'] as const) {
      if (signal) child.kill(signal);
      if (await this.#waitExit(10_000)) break;
    }
    if (!this.#exit) throw new Error(`redis-server (pid ${child.pid}) did not exit`);
    removeState(this.opts.dir, child.pid);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || this.#exit) return;
    child.kill(signal);
    if (!NON_TERMINATING.has(signal)) await this.#exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await retireStaleServer(this.opts.dir, this.opts.log);
    await this.start(this.#port);
  }

  async #spawn(port: number): Promise<void> {
    const { dir, persist, appendfsync, binary, detached, extraArgs } = this.opts;
    const args = [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--protected-mode', 'yes',
      '--daemonize', 'no',
      '--dir', dir,
      '--save', '',
      '--appendonly', persist ? 'yes' : 'no',
      '--appendfsync', appendfsync,
      '--maxmemory-policy', 'noeviction',
      '--maxmemory', String(this.opts.maxmemory),
      '--logfile', '',
      ...extraArgs,
    ];
    const logPath = join(dir, LOG_FILE);
    const logFd = openSync(logPath, logSize(logPath) > LOG_CAP_BYTES ? 'w' : 'a');
    const logOffset = fstatSync(logFd).size;
    let child: ChildProcess;
    try {
      // Output goes to a file rather than a pipe: a pipe would break (and could kill the server
      // with SIGPIPE) when this Node process dies, and the file keeps the reason a start failed.
      child = spawn(binary, args, { cwd: dir, stdio: ['ignore', logFd, logFd], detached });
    } finally {
      closeSync(logFd);
    }
    this.#child = child;
    this.#exit = null;
    this.#port = port;
    let spawnError: Error | null = null;
    this.#exited = new Promise<Exit>((resolve) => {
      let settled = false;
      const exited = (exit: Exit) => {
        if (settled) return;
        settled = true;
        untrackChild(child);
        if (this.#child === child) this.#exit = exit;
        resolve(exit);
      };
      child.once('exit', (code, signal) => exited({ code, signal }));
      child.once('error', (err) => {
        spawnError = err;
        // No process came to be, so no 'exit' will follow.
        if (child.pid === undefined) exited({ code: null, signal: null });
      });
    });
    trackChild(child);

    try {
      await this.#waitUntilReady(port, () => spawnError);
    } catch (err) {
      if (this.#exit === null) {
        child.kill('SIGKILL');
        await this.#exited;
      }
      if (err instanceof StartFailure) {
        const tail = readTail(logPath, logOffset);
        const addressInUse = /address already in use/i.test(tail);
        throw new StartFailure(`${err.message}${tail ? `\nredis-server said:\n${tail}` : ''}`, addressInUse || err.addressInUse);
      }
      throw err;
    }
    writeState(dir, { pid: child.pid ?? 0, port, ownerPid: process.pid, startedAt: new Date().toISOString() });
  }

  async #waitUntilReady(port: number, spawnError: () => Error | null): Promise<void> {
    const deadline = Date.now() + this.opts.startTimeoutMs;
    for (;;) {
      const error = spawnError();
      if (error) throw new StartFailure(`could not start ${this.opts.binary}: ${error.message}`, false);
      if (this.#exit) {
        const how = this.#exit.signal ? `signal ${this.#exit.signal}` : `code ${this.#exit.code}`;
        throw new StartFailure(`redis-server exited (${how}) before it was ready on 127.0.0.1:${port}`, false);
      }
      const reply = await sendRawCommand(port, ['PING'], { timeoutMs: 1000 }).catch(() => null);
      if (reply === '+PONG') {
        // Whoever answers must be our child, not a server that won a race for the port.
        const info = await sendRawCommand(port, ['INFO', 'server'], { timeoutMs: 2000 }).catch(() => null);
        if (info?.includes(`process_id:${this.#child?.pid}\r\n`)) return;
        throw new StartFailure(`another process answers on 127.0.0.1:${port}`, true);
      }
      if (Date.now() > deadline) {
        throw new StartFailure(`redis-server did not answer PING on 127.0.0.1:${port} within ${this.opts.startTimeoutMs} ms`, false);
      }
      await sleep(50);
    }
  }

  async #waitExit(timeoutMs: number): Promise<boolean> {
    if (this.#exit) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.#exited.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer); // a pending timer would hold the process open after stop()
    }
  }
}

/** Stops a server that a dead owner left behind in `dir`; refuses when a live owner has one there. */
async function retireStaleServer(dir: string, log: ((line: string) => void) | undefined): Promise<void> {
  const state = readState(dir);
  if (!state) return;
  if (!isRedisServerOn(state.pid, state.port)) {
    removeState(dir);
    return;
  }
  if (state.ownerPid === process.pid || isLiveNodeProcess(state.ownerPid)) {
    throw new Error(
      `The Redis data in ${dir} is in use: redis-server pid ${state.pid} on port ${state.port}, started by ` +
        `process ${state.ownerPid}, which is still running. Stop that process first, or use another data directory ` +
        '(TRIBUTARY_DATA); two servers on the same AOF would corrupt it.',
    );
  }
  log?.(`stopping redis-server pid ${state.pid} on port ${state.port}, left running by a previous run that ended without stopping it`);
  await shutdownForeignServer(state.pid, state.port);
  removeState(dir);
}

// If this process exits without stopping its servers, SIGTERM them: redis-server treats it as a
// graceful shutdown (AOF fsynced), and no orphan is left holding the data dir.
const liveChildren = new Set<ChildProcess>();
const terminateChildren = () => {
  for (const child of liveChildren) child.kill('SIGTERM');
};

function trackChild(child: ChildProcess): void {
  if (liveChildren.size === 0) process.on('exit', terminateChildren);
  liveChildren.add(child);
}

function untrackChild(child: ChildProcess): void {
  liveChildren.delete(child);
  if (liveChildren.size === 0) process.off('exit', terminateChildren);
}

function findExecutable(name: string): string {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : resolvePath(name)]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  throw new RedisServerMissingError(name.includes('/') ? name : `${name} (on PATH)`);
}

function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last lines written to the log since `offset` (at most ~2 KB). */
function readTail(path: string, offset: number): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(offset, size - 2048);
      const buf = Buffer.alloc(Math.max(0, size - start));
      readSync(fd, buf, 0, buf.length, start);
      return buf.toString('utf8').trim();
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
