/**
 * Keyed emissions (`Emission.key`, an http-poll record's key and version) go downstream once. Their
 * message id derives from the key alone, so a record polled again unchanged gets the id it had —
 * but the job ids that follow from it can't deduplicate by themselves: BullMQ forgets a job once
 * it is removed, and a delivery that merely collides with an earlier one would be counted in the
 * new run without ever settling there. So the processor claims each keyed id before it reserves
 * and enqueues: the first job to claim an id owns it; the same job claiming again (a re-run
 * after a crash) keeps it; any other job finds it taken and drops that output as a duplicate.
 *
 * Window: a claim lives `retention.doneMarkersSec` (7 days by default) — a key emitted again
 * after that goes downstream again. A crash between claiming and enqueueing leaves claims owned
 * by a job that re-runs and re-claims them; only if the re-run no longer emits a key (the record
 * vanished from the source meanwhile) does that key stay claimed, unsent, until the window ends.
 */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys';
import type { Retention } from '../retention';
import { LuaScript } from './script';

/**
 * Input:
 *   KEYS[1..n] the `emitted` marker of each id
 *   ARGV[1] the claiming job's id   ARGV[2] TTL (s)
 *
 * Output: one entry per key, 1 = this job owns the id (claimed now or before), 0 = taken by another.
 */
const CLAIM = new LuaScript(
  'claimKeyedEmissions',
  `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'NX', 'EX', ARGV[2]) then
    out[i] = 1
  elseif redis.call('GET', key) == ARGV[1] then
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`,
);

/** Ids claimed per script call: bounded so that one huge page doesn't block Redis for long. */
const CHUNK = 500;

export class KeyedEmissions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retention: Pick<Retention, 'doneMarkersSec'>,
  ) {}

  /** Claims `messageIds` for job `jobId`; returns those it owns (the others are duplicates). */
  async claim(flowId: string, jobId: string, messageIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(messageIds)];
    const owned = new Set<string>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const ids = unique.slice(i, i + CHUNK);
      const reply = (await CLAIM.run(
        this.redis,
        ids.map((id) => this.keys.emitted(flowId, id)),
        [jobId, this.retention.doneMarkersSec],
      )) as number[];
      ids.forEach((id, j) => reply[j] === 1 && owned.add(id));
    }
    return owned;
  }
}
