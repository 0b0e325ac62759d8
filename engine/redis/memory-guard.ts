/**
 * Sheds intake before Redis fills up. Redis runs with `noeviction`, so a full Redis fails every
 * write, acknowledged work included; refusing new messages (503 + Retry-After, like
 * back-pressure) a little before that keeps the engine able to finish what it holds.
 *
 * The bound is `fraction` of Redis's `maxmemory` when it has one, else `limitBytes` (for an
 * external Redis without `maxmemory`). `used_memory` comes from INFO, read at most once per
 * `refreshMs` and shared by every caller: a request never costs a round trip of its own.
 */
import type { Redis } from 'ioredis';

export interface MemoryGuardOptions {
  /** Share of `maxmemory` past which intake is shed. Default 0.9. */
  fraction?: number;
  /** The bound when Redis has no `maxmemory` (`TRIBUTARY_REDIS_MEMORY_LIMIT`). Default 1 GiB. */
  limitBytes?: number;
  /** How old the INFO reading may be. Default 1 000 ms. */
  refreshMs?: number;
}

export const DEFAULT_MEMORY_LIMIT_BYTES = 1024 ** 3;
const RETRY_AFTER_SEC = 5;

export class MemoryPressureError extends Error {
  override readonly name = 'MemoryPressureError';
  readonly retryAfterSec = RETRY_AFTER_SEC;
  constructor(
    readonly usedBytes: number,
    readonly boundBytes: number,
  ) {
    super(`Redis holds ${usedBytes} bytes, past the intake bound of ${boundBytes}; retry in ${RETRY_AFTER_SEC} s`);
  }
}

/** The byte bound intake obeys: a share of `maxmemory` when set (> 0), else the absolute limit. */
export function memoryBound(maxmemory: number, options: Pick<MemoryGuardOptions, 'fraction' | 'limitBytes'> = {}): number {
  return maxmemory > 0 ? Math.floor(maxmemory * (options.fraction ?? 0.9)) : (options.limitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES);
}

const field = (info: string, name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);

export class MemoryGuard {
  #reading: { used: number; bound: number; at: number } | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: MemoryGuardOptions = {},
  ) {}

  /** Throws MemoryPressureError when Redis's memory is past the bound (as last read). */
  async check(): Promise<void> {
    const stale = !this.#reading || Date.now() - this.#reading.at > (this.options.refreshMs ?? 1_000);
    if (stale) await (this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined)));
    const reading = this.#reading;
    if (reading && reading.used >= reading.bound) throw new MemoryPressureError(reading.used, reading.bound);
  }

  async #refresh(): Promise<void> {
    const info = await this.redis.info('memory');
    this.#reading = { used: field(info, 'used_memory'), bound: memoryBound(field(info, 'maxmemory'), this.options), at: Date.now() };
  }
}
