/**
 * Failing fast for whoever is answering a caller, on a connection that otherwise waits.
 *
 * The engine's one connection waits out a Redis outage (commands queue until the reconnect):
 * workers, schedulers and jobs need exactly that. Code answering a caller — an API request, a
 * webhook — must instead say 503 with Retry-After at once, and a second connection per process
 * just for that would double the connections and split BullMQ queues from their data. So the
 * connection checks, per command, whether it was issued inside {@link answeringCaller}: there,
 * while the connection isn't ready, the command fails at once with RedisUnavailableError instead
 * of joining the offline queue. AsyncLocalStorage carries "inside" through every await, BullMQ's
 * included. A command sent before the outage still waits for its reply: callers bound that with
 * a deadline (server/redis-gate.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Redis } from 'ioredis';

/**
 * Redis is unreachable: code answering a caller refuses at once, so that the caller gets 503
 * with Retry-After and retries, instead of a request held open for as long as the outage lasts.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly retryAfterSec = 1;
}

/** One caller's scope; `open` turns false once the caller has its answer. */
interface CallerScope {
  open: boolean;
}

const answering = new AsyncLocalStorage<CallerScope>();

/**
 * Runs `fn` as code answering a caller: Redis commands it issues fail fast while Redis is down.
 * AsyncLocalStorage hands the scope on to everything `fn` starts, including what outlives the
 * call (a worker a deploy starts, a timer), so the scope ends when `fn` settles: from then on
 * those wait out an outage like any other engine code. Long-lived work should also be started
 * through {@link detachedFromCaller}.
 */
export async function answeringCaller<T>(fn: () => Promise<T> | T): Promise<T> {
  const scope: CallerScope = { open: true };
  try {
    return await answering.run(scope, fn);
  } finally {
    scope.open = false;
  }
}

/** Runs `fn` outside any caller's scope: for work that lives on after the caller's answer. */
export function detachedFromCaller<T>(fn: () => T): T {
  return answering.exit(fn);
}

const patched = new WeakSet<Redis>();

/** Makes `redis` fail fast for commands issued inside {@link answeringCaller}; idempotent. */
export function failFastForCallers(redis: Redis): Redis {
  if (patched.has(redis)) return redis;
  patched.add(redis);
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: Parameters<Redis['sendCommand']>[0], stream?: Parameters<Redis['sendCommand']>[1]) => {
    if (redis.status !== 'ready' && answering.getStore()?.open) {
      command.reject(new RedisUnavailableError(`Redis is unreachable (connection ${redis.status}); retry shortly`));
      return command.promise;
    }
    return send(command, stream);
  }) as Redis['sendCommand'];
  return redis;
}
