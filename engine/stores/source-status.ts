/**
 * The state of every subscription member (nodes/source-contract.ts), per flow, across processes:
 * what `GET /api/deployments` shows as a flow's `sources`. One Redis hash per flow, a field per
 * member (source node × engine process). Members rewrite their entry on every change and at least
 * every MAX_STATUS_REFRESH_MS; an entry not rewritten for `staleMs` belongs to a process that is gone and is
 * dropped when read, and by a write that finds more than MAX_STALE_ENTRIES. The hash's TTL is
 * refreshed on each write; problems are cut to a bounded length.
 */
import type { Redis } from 'ioredis';
import type { PartitionLag } from '../../nodes/source-contract';
import type { Keys } from '../keys';

export type MemberState = 'starting' | 'running' | 'paused' | 'failed';

export interface SourceStatus {
  nodeId: string;
  /** The engine process running this member. */
  process: string;
  revision: number;
  state: MemberState;
  /** The member's problem, reported by it or by the engine (a failed start). */
  problem?: string;
  /** Lag per partition the member reads, when its subscription tells (at most MAX_LAG_ENTRIES). */
  lag?: PartitionLag[];
  /** Since when (ms since epoch) the member is in this state. */
  since: number;
  /** When its process last wrote it. */
  at: number;
}

export const MAX_PROBLEM_LENGTH = 500;
export const MAX_LAG_ENTRIES = 256;
/** Every member's entry is rewritten at least this often by its process. */
export const MAX_STATUS_REFRESH_MS = 10_000;
const STALE_MS = 3 * MAX_STATUS_REFRESH_MS;
/**
 * A write finding more entries than this beyond the live ones prunes the stale: with nobody
 * listing, a process killed (or restarted) over and over would otherwise grow the hash for good,
 * since every live write renews its TTL.
 */
export const MAX_STALE_ENTRIES = 64;
const TTL_SEC = 3_600;

export class SourceStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async put(flowId: string, status: Omit<SourceStatus, 'at'>): Promise<void> {
    const key = this.keys.sourceStatus(flowId);
    const entry: SourceStatus = {
      ...status,
      ...(status.problem !== undefined && { problem: status.problem.slice(0, MAX_PROBLEM_LENGTH) }),
      ...(status.lag !== undefined && { lag: status.lag.slice(0, MAX_LAG_ENTRIES) }),
      at: Date.now(),
    };
    const [, , length] = (await this.redis.multi().hset(key, field(status), JSON.stringify(entry)).expire(key, TTL_SEC).hlen(key).exec()) ?? [];
    if (typeof length?.[1] === 'number' && length[1] > MAX_STALE_ENTRIES) await this.list(flowId);
  }

  async remove(flowId: string, member: Pick<SourceStatus, 'nodeId' | 'process'>): Promise<void> {
    await this.redis.hdel(this.keys.sourceStatus(flowId), field(member));
  }

  /** Every live member of the flow, by node then process; entries of vanished processes are dropped. */
  async list(flowId: string): Promise<SourceStatus[]> {
    const key = this.keys.sourceStatus(flowId);
    const now = Date.now();
    const live: SourceStatus[] = [];
    const stale: string[] = [];
    for (const [name, json] of Object.entries(await this.redis.hgetall(key))) {
      const status = JSON.parse(json) as SourceStatus;
      if (now - status.at > STALE_MS) stale.push(name);
      else live.push(status);
    }
    if (stale.length > 0) await this.redis.hdel(key, ...stale);
    return live.sort((a, b) => a.nodeId.localeCompare(b.nodeId) || a.process.localeCompare(b.process));
  }
}

const field = (member: Pick<SourceStatus, 'nodeId' | 'process'>): string => `${member.nodeId} ${member.process}`;
