/**
 * Lua of the run store (see runs.ts). Each script touches keys of one flow only.
 */
import { LuaScript, trimIndexTo } from './script';

/**
 * Starts a run once.
 *
 * Input:
 *   KEYS[1] run hash
 *   KEYS[2] the flow's runs index (sorted set runId → startedAt)
 *   ARGV[1] flowId   ARGV[2] runId   ARGV[3] revision   ARGV[4] nodeId   ARGV[5] messageId
 *   ARGV[6] startedAt (ms)   ARGV[7] run TTL (s)   ARGV[8] runs kept per flow
 *   ARGV[9] deployment ('' when unknown)
 *
 * Output:
 *   {0}                  the run already exists: nothing changed
 *   {1, runId, runId, …} created; then the ids trimmed off the index (oldest first), which the
 *                        caller hands to TRIM_RUNS (their key names come from keys.ts)
 */
export const START_RUN = new LuaScript(
  'startRun',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
redis.call('HSET', KEYS[1], 'flowId', ARGV[1], 'runId', ARGV[2], 'revision', ARGV[3], 'nodeId', ARGV[4],
  'messageId', ARGV[5], 'startedAt', ARGV[6], 'status', 'running', 'pending', 1, 'completed', 0,
  'failed', 0, 'deadLettered', 0, 'skipped', 0, 'dropped', 0)
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'deployment', ARGV[9]) end
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[2])
-- Capped below; the TTL only reaps the index of a flow that stopped starting runs.
redis.call('EXPIRE', KEYS[2], ARGV[7])
` + trimIndexTo('ARGV[8]'),
);

/**
 * Deletes the records of runs trimmed off the index — only those that finished. A run still in
 * flight keeps its record, flagged `trimmed`, so that it records its events and its finish (SETTLE
 * then keeps it only briefly). Deleting it, as before, lost the finish of every run in flight
 * once more than the cap were.
 *
 * Input:
 *   KEYS[2i-1] run hash, KEYS[2i] run events list, for each trimmed run
 *
 * Output: how many runs were deleted
 */
export const TRIM_RUNS = new LuaScript(
  'trimRuns',
  `
local deleted = 0
for i = 1, #KEYS, 2 do
  if redis.call('HGET', KEYS[i], 'status') == 'running' then
    redis.call('HSET', KEYS[i], 'trimmed', 1)
  else
    redis.call('UNLINK', KEYS[i], KEYS[i + 1])
    deleted = deleted + 1
  end
end
return deleted
`,
);

/**
 * Reserves a job's downstream deliveries in its run before they are enqueued, so that a child
 * that settles before its parent can't take the run's pending count to zero. The reservation is
 * the set of the children's job ids, not a count: a re-run after a crash between reserving and
 * enqueueing may emit other outputs (a node that isn't deterministic). Its children are added;
 * children of the earlier reservation it doesn't emit again are dropped — and uncounted — when
 * they were never enqueued (no BullMQ job and no done marker: the crash came before the
 * enqueue), and kept when they were (they will settle, or did). So the run counts what was
 * actually enqueued.
 *
 * Input:
 *   KEYS[1] done marker of the job
 *   KEYS[2] reservation of the job (set of child job ids)
 *   KEYS[3] run hash
 *   KEYS[4] run events list
 *   KEYS[4+2i-1], KEYS[4+2i]: BullMQ job hash and done marker of the i-th candidate to drop
 *   ARGV[1] reservation TTL (s)   ARGV[2] run TTL (s)   ARGV[3] n, the number of child ids
 *   ARGV[4..3+n] the child job ids   ARGV[4+n..] the candidates to drop (earlier children not in this list)
 *
 * Output:
 *   {0, reserved, pending}  already settled (reserved = 0), or reserved before: the earlier
 *                           reservation brought in line with this one (reserved = its size now)
 *   {1, reserved, pending}  reserved for the first time
 *   {3, reserved, 0}        reserved, but the run's hash is gone: nothing counted
 */
export const RESERVE = new LuaScript(
  'reserve',
  `
local function pending() return tonumber(redis.call('HGET', KEYS[3], 'pending') or '0') end
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 0, pending()} end
local kind = redis.call('TYPE', KEYS[2]).ok
-- A count, written before reservations were sets: kept as it was.
if kind == 'string' then return {0, tonumber(redis.call('GET', KEYS[2])), pending()} end
local firstTime = kind == 'none'
local delta = 0
local n = tonumber(ARGV[3])
for i = 4, 3 + n do delta = delta + redis.call('SADD', KEYS[2], ARGV[i]) end
for i = 4 + n, #ARGV do
  local k = 4 + 2 * (i - 3 - n)
  if redis.call('EXISTS', KEYS[k - 1]) == 0 and redis.call('EXISTS', KEYS[k]) == 0 then
    delta = delta - redis.call('SREM', KEYS[2], ARGV[i])
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
local reserved = redis.call('SCARD', KEYS[2])
if redis.call('EXISTS', KEYS[3]) == 0 then return {3, reserved, 0} end
local now = pending()
if delta ~= 0 then now = redis.call('HINCRBY', KEYS[3], 'pending', delta) end
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[2])
if firstTime then return {1, reserved, now} end
return {0, reserved, now}
`,
);

/**
 * Settles one delivery job exactly once: the heart of run accounting.
 *
 * Input:
 *   KEYS[1] done marker of the job
 *   KEYS[2] run hash
 *   KEYS[3] run events list (its TTL is refreshed with the hash's)
 *   KEYS[4] reservation marker of the job (deleted: the done marker supersedes it)
 *   KEYS[5] idempotency marker (optional)
 *   ARGV[1] jobId   ARGV[2] children enqueued and not reserved   ARGV[3] outcome counter field
 *   ARGV[4] now (ms)   ARGV[5] done-marker TTL (s)   ARGV[6] run TTL (s)
 *   ARGV[7] TTL (s) of a run trimmed off the index once it finished
 *   ARGV[8] idempotency TTL (s, with KEYS[5])
 *   ARGV[9] '1' when the job enqueued nothing this time (then an earlier reservation must be
 *           brought in line first: RESERVE with no children)
 *
 * Output:
 *   {0, pending}              already settled: nothing changed
 *   {1, pending}              settled; the run goes on
 *   {2, pending, f, v, f, v…} settled, and this settle finished the run: its hash follows
 *   {3, 0}                    settled (markers set), but the run's hash is gone (trimmed or
 *                             expired), so there is nothing to count in
 *   {4, 0}                    not settled: ARGV[9] is '1' and an earlier reservation of the job
 *                             exists (a re-run that now emits nothing); RESERVE it, then settle
 */
export const SETTLE = new LuaScript(
  'settle',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, tonumber(redis.call('HGET', KEYS[2], 'pending') or '0')}
end
if ARGV[9] == '1' and redis.call('TYPE', KEYS[4]).ok == 'set' and redis.call('SCARD', KEYS[4]) > 0 then return {4, 0} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[5])
redis.call('DEL', KEYS[4])
if #KEYS >= 5 then redis.call('SET', KEYS[5], ARGV[1], 'EX', ARGV[8]) end
if redis.call('EXISTS', KEYS[2]) == 0 then return {3, 0} end
local pending = redis.call('HINCRBY', KEYS[2], 'pending', tonumber(ARGV[2]) - 1)
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('EXPIRE', KEYS[3], ARGV[6])
-- Only the settle that takes a running run to zero finishes it: run:finished goes out once.
if pending > 0 or redis.call('HGET', KEYS[2], 'status') ~= 'running' then return {1, pending} end
local bad = tonumber(redis.call('HGET', KEYS[2], 'failed') or '0')
  + tonumber(redis.call('HGET', KEYS[2], 'deadLettered') or '0')
local status = 'failed'
if bad == 0 then status = 'completed' end
redis.call('HSET', KEYS[2], 'status', status, 'finishedAt', ARGV[4])
-- Off the index, nothing counts it against the cap: kept long enough to be looked at, no longer.
if redis.call('HGET', KEYS[2], 'trimmed') == '1' then
  redis.call('EXPIRE', KEYS[2], ARGV[7])
  redis.call('EXPIRE', KEYS[3], ARGV[7])
end
local out = {2, pending}
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all do out[i + 2] = all[i] end
return out
`,
);

/**
 * Reopens a run for dead-letter replay: what was dead-lettered is pending again.
 *
 * Input:
 *   KEYS[1] run hash
 *   KEYS[2] run events list
 *   KEYS[3] reopen marker (optional: makes the reopen happen once per token)
 *   ARGV[1] n   ARGV[2] run TTL (s)   ARGV[3] flowId   ARGV[4] runId
 *   ARGV[5] revision, ARGV[6] startedAt (ms): used only when the hash has to be recreated
 *   ARGV[7] token   ARGV[8] reopen-marker TTL (s)   (with KEYS[3])
 *
 * Output:
 *   {-1, pending}  the token was used already: nothing changed
 *   {0, pending}   reopened
 *   {1, pending}   the hash had expired and was recreated (minimal, flagged `recreated`)
 */
export const REOPEN = new LuaScript(
  'reopen',
  `
if #KEYS >= 3 then
  if redis.call('SET', KEYS[3], ARGV[7], 'NX', 'EX', ARGV[8]) == false then
    return {-1, tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')}
  end
end
local recreated = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'flowId', ARGV[3], 'runId', ARGV[4], 'revision', ARGV[5], 'nodeId', '',
    'messageId', ARGV[4], 'startedAt', ARGV[6], 'pending', 0, 'completed', 0, 'failed', 0,
    'deadLettered', 0, 'skipped', 0, 'dropped', 0, 'recreated', 1)
  recreated = 1
end
local n = tonumber(ARGV[1])
local pending = redis.call('HINCRBY', KEYS[1], 'pending', n)
local deadLettered = tonumber(redis.call('HGET', KEYS[1], 'deadLettered') or '0') - n
if deadLettered < 0 then deadLettered = 0 end
redis.call('HSET', KEYS[1], 'deadLettered', deadLettered, 'status', 'running')
redis.call('HDEL', KEYS[1], 'finishedAt')
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return {recreated, pending}
`,
);

/**
 * Records trace events of one run: stored (capped, TTL) only while the run itself is kept, and
 * published either way, in order.
 *
 * Input:
 *   KEYS[1] run hash
 *   KEYS[2] run events list
 *   ARGV[1] events kept per run   ARGV[2] run TTL (s)   ARGV[3] trace channel   ARGV[4..] events (JSON)
 *
 * Output: 1 when stored, 0 when the run is gone (published only)
 */
/**
 * KEYS: run hash, events list. ARGV: max events, ttl, channel, max bytes, events (JSON)...
 * Keeps the newest events within both caps (at least the last one); the bytes held live in the
 * run hash (`eventBytes`), and every dropped execution outcome (completed, failed, skipped)
 * counts in `executionsNotKept`.
 */
export const APPEND_EVENTS = new LuaScript(
  'appendEvents',
  `
local kept = redis.call('EXISTS', KEYS[1]) == 1
local maxCount, maxBytes = tonumber(ARGV[1]), tonumber(ARGV[4])
for i = 5, #ARGV do
  if kept then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    redis.call('HINCRBY', KEYS[1], 'eventBytes', #ARGV[i])
  end
  redis.call('PUBLISH', ARGV[3], ARGV[i])
end
if not kept then return 0 end
local bytes = tonumber(redis.call('HGET', KEYS[1], 'eventBytes'))
local count = redis.call('LLEN', KEYS[2])
local dropped = 0
while count > 1 and (count > maxCount or bytes > maxBytes) do
  local old = redis.call('LPOP', KEYS[2])
  bytes = bytes - #old
  count = count - 1
  local kind = string.match(old, '^{"type":"node:(%a+)"')
  if kind == 'completed' or kind == 'failed' or kind == 'skipped' then dropped = dropped + 1 end
end
redis.call('HSET', KEYS[1], 'eventBytes', bytes)
if dropped > 0 then redis.call('HINCRBY', KEYS[1], 'executionsNotKept', dropped) end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
`,
);
