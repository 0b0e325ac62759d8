/**
 * Dead letters: messages a node gave up on, kept with everything needed to inspect and replay
 * them. One JSON key per letter (TTL `retention.deadLetters.ttlSec`) and a per-flow index by
 * failure time, capped at `retention.deadLetters.maxPerFlow`: past the cap the oldest go, and
 * `add` reports them to the `onTrimmed` option (a warning log by default) — nothing goes silently.
 *
 * Index entries whose letter expired are removed lazily, when a read meets them.
 */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys';
import type { Retention } from '../retention';
import { createLogger, type Pino } from '../logger';
import { checkPage, type Page } from './page';
import { LuaScript, trimIndexTo, PRUNE_INDEX, pipelineResults } from './script';
import type { DeadLetter } from '../../contracts/api/dead-letters';

/** A dead letter as stored: the API's DeadLetter (contracts/api/dead-letters.ts). */
export type { DeadLetter } from '../../contracts/api/dead-letters';

export interface DeadLetterStoreOptions {
  /**
   * Told which letters were removed to keep a flow under `retention.deadLetters.maxPerFlow`, so
   * that the caller logs them: nothing goes silently. Default: a pino warning.
   */
  onTrimmed?: (flowId: string, ids: string[]) => void;
}

export interface ListDeadLetters extends Page {
  /** Only this node's letters. Filtering walks the index, at most `scanLimit` entries. */
  nodeId?: string;
  /** Bound of a filtered walk. Default {@link DEFAULT_SCAN_LIMIT}. */
  scanLimit?: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  total: number;
  /** A filtered walk stopped at its bound: `total` counts what it saw, a lower bound. */
  partial?: true;
}

/** Index entries a filtered listing reads at most. */
export const DEFAULT_SCAN_LIMIT = 10_000;

const BATCH = 500;

/**
 * Adds a letter once.
 *
 * Input:
 *   KEYS[1] the letter's JSON key
 *   KEYS[2] the flow's dead-letter index (sorted set id → failedAt)
 *   KEYS[3] the flow's node hash (id → node id)
 *   ARGV[1] JSON   ARGV[2] TTL (s)   ARGV[3] failedAt (ms)   ARGV[4] id   ARGV[5] letters kept per flow
 *   ARGV[6] node id
 *
 * Output:
 *   {0}              a letter with this id exists: nothing changed
 *   {1, id, id, …}   added; then the ids trimmed off the index (oldest first), whose JSON keys
 *                    and node entries the caller deletes (their names come from keys.ts)
 */
const ADD = new LuaScript(
  'addDeadLetter',
  `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) == false then return {0} end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[6])
-- Capped below (the node hash with the index, by the caller); the TTL reaps both once all expired.
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
` + trimIndexTo('ARGV[5]'),
);

/** An `onTrimmed` that warns on `log`, naming (the first 100 of) the letters removed. */
export const logTrimmed =
  (log: Pino) =>
  (flowId: string, ids: string[]): void => {
    log.warn({ flowId, trimmed: ids.length, ids: ids.slice(0, 100) }, 'dead letters over the cap: the oldest were removed');
  };

/**
 * The letter as kept: a payload over `maxBytes` of JSON becomes the start of its JSON text, marked
 * with its original size, so one huge message cannot hold megabytes of Redis for the letters' TTL
 * while what it was stays readable.
 */
export function withPayloadCap(letter: DeadLetter, maxBytes: number): DeadLetter {
  const json = JSON.stringify(letter.message.payload) ?? 'null';
  const originalBytes = Buffer.byteLength(json);
  if (originalBytes <= maxBytes) return letter;
  // A cut inside a multi-byte character decodes to U+FFFD: the text stays valid, one char shorter.
  const start = Buffer.from(json).subarray(0, maxBytes).toString('utf8');
  return { ...letter, message: { ...letter.message, payload: start }, truncated: { originalBytes } };
}

let defaultLog: Pino | undefined;

const warnTrimmed = (flowId: string, ids: string[]): void => logTrimmed((defaultLog ??= createLogger({ name: 'dead-letters' })))(flowId, ids);

export class DeadLetterStore {
  private readonly onTrimmed: (flowId: string, ids: string[]) => void;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retention: Retention,
    options: DeadLetterStoreOptions = {},
  ) {
    this.onTrimmed = options.onTrimmed ?? warnTrimmed;
  }

  /**
   * Adds `letter` unless one with its id exists (then false, nothing changed). Past the cap the
   * flow's oldest letters are removed and reported to `onTrimmed`.
   */
  async add(letter: DeadLetter): Promise<boolean> {
    const { flowId, id } = letter;
    const { ttlSec, maxPerFlow, maxPayloadBytes } = this.retention.deadLetters;
    const [added, ...trimmed] = (await ADD.run(
      this.redis,
      [this.keys.deadLetter(flowId, id), this.keys.deadLetters(flowId), this.keys.deadLetterNodes(flowId)],
      [JSON.stringify(withPayloadCap(letter, maxPayloadBytes)), ttlSec, letter.failedAt, id, maxPerFlow, letter.nodeId],
    )) as [number, ...string[]];
    // A crash before this leaves JSON keys and node entries that still expire with their TTL.
    for (let i = 0; i < trimmed.length; i += BATCH) {
      const batch = trimmed.slice(i, i + BATCH);
      await this.redis.multi().unlink(...batch.map((t) => this.keys.deadLetter(flowId, t))).hdel(this.keys.deadLetterNodes(flowId), ...batch).exec();
    }
    if (trimmed.length > 0) this.onTrimmed(flowId, trimmed);
    return added === 1;
  }

  /**
   * A flow's letters, newest first. Unfiltered, `total` is the index size (less the expired
   * entries this page met); filtered by node, the walk is bounded (see {@link DeadLetterPage}).
   */
  async list(flowId: string, options: ListDeadLetters): Promise<DeadLetterPage> {
    const { offset, limit } = checkPage(options);
    if (options.nodeId !== undefined) return this.listByNode(flowId, options.nodeId, offset, limit, options.scanLimit ?? DEFAULT_SCAN_LIMIT);
    const index = this.keys.deadLetters(flowId);
    const [ids, total] = pipelineResults(
      await this.redis.pipeline().zrevrange(index, offset, offset + limit - 1).zcard(index).exec(),
      'listing dead letters',
    ) as [string[], number];
    const { letters, pruned } = await this.read(flowId, ids);
    return { items: letters, total: total - pruned };
  }

  /** One letter; undefined when it doesn't exist (or expired). */
  async get(flowId: string, id: string): Promise<DeadLetter | undefined> {
    return (await this.read(flowId, [id])).letters[0];
  }

  /** Discards a letter (after a replay, or by a user). False when it wasn't there. */
  async remove(flowId: string, id: string): Promise<boolean> {
    const [deleted] = pipelineResults(
      await this.redis.multi().unlink(this.keys.deadLetter(flowId, id)).zrem(this.keys.deadLetters(flowId), id).hdel(this.keys.deadLetterNodes(flowId), id).exec(),
      'removing a dead letter',
    ) as [number, number];
    return deleted === 1;
  }

  /**
   * Letters held per node: those of the index younger than the letters' TTL (older ones have
   * expired, whether or not a read has pruned them yet). Reads at most the cap's worth of ids.
   */
  async countByNode(flowId: string, now = Date.now()): Promise<Map<string, number>> {
    const since = now - this.retention.deadLetters.ttlSec * 1000;
    const ids = await this.redis.zrangebyscore(this.keys.deadLetters(flowId), since, '+inf');
    const counts = new Map<string, number>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const nodes = await this.redis.hmget(this.keys.deadLetterNodes(flowId), ...ids.slice(i, i + BATCH));
      for (const node of nodes) if (node !== null) counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    return counts;
  }

  /** Letters in the flow's index (may include expired ones no read has met yet). */
  async count(flowId: string): Promise<number> {
    return this.redis.zcard(this.keys.deadLetters(flowId));
  }

  /**
   * Ids of a flow's letters, oldest first (the order to replay them in), for replay-all and
   * discard-all; optionally only one node's, at most `limit` after skipping `offset` of them.
   */
  async ids(flowId: string, filter: { nodeId?: string; offset?: number; limit?: number } = {}): Promise<string[]> {
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const index = this.keys.deadLetters(flowId);
    const out: string[] = [];
    // Without a node filter, ranks are the offset: start there.
    for (let start = filter.nodeId === undefined ? offset : 0; out.length < limit + (filter.nodeId === undefined ? 0 : offset); start += BATCH) {
      const ids = await this.redis.zrange(index, start, start + BATCH - 1);
      if (ids.length === 0) break;
      if (filter.nodeId === undefined) out.push(...ids);
      else {
        const { letters, pruned } = await this.read(flowId, ids);
        for (const letter of letters) if (letter.nodeId === filter.nodeId) out.push(letter.id);
        start -= pruned; // pruned entries shifted the ranks after them
      }
    }
    return filter.nodeId === undefined ? out.slice(0, limit) : out.slice(offset, offset + limit);
  }

  private async listByNode(flowId: string, nodeId: string, offset: number, limit: number, scanLimit: number): Promise<DeadLetterPage> {
    const index = this.keys.deadLetters(flowId);
    const items: DeadLetter[] = [];
    let total = 0;
    let scanned = 0;
    let start = 0;
    while (scanned < scanLimit) {
      const ids = await this.redis.zrevrange(index, start, start + Math.min(BATCH, scanLimit - scanned) - 1);
      if (ids.length === 0) return { items, total };
      scanned += ids.length;
      const { letters, pruned } = await this.read(flowId, ids);
      start += ids.length - pruned;
      for (const letter of letters) {
        if (letter.nodeId !== nodeId) continue;
        if (total >= offset && items.length < limit) items.push(letter);
        total += 1;
      }
    }
    const more = (await this.redis.zcard(index)) > start;
    return more ? { items, total, partial: true } : { items, total };
  }

  /** The letters of `ids` that still exist, in order; prunes the index of the others. */
  private async read(flowId: string, ids: readonly string[]): Promise<{ letters: DeadLetter[]; pruned: number }> {
    if (ids.length === 0) return { letters: [], pruned: 0 };
    const keys = ids.map((id) => this.keys.deadLetter(flowId, id));
    const values = await this.redis.mget(...keys);
    const letters: DeadLetter[] = [];
    const gone: string[] = [];
    values.forEach((json, i) => {
      if (json === null) gone.push(ids[i] as string);
      else letters.push(JSON.parse(json) as DeadLetter);
    });
    if (gone.length === 0) return { letters, pruned: 0 };
    const index = this.keys.deadLetters(flowId);
    const pruned = (await PRUNE_INDEX.run(this.redis, [index, ...gone.map((id) => this.keys.deadLetter(flowId, id))], gone)) as number;
    await this.redis.hdel(this.keys.deadLetterNodes(flowId), ...gone);
    return { letters, pruned };
  }
}
