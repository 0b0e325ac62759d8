/**
 * The merge's atomic steps, as Lua run through `ctx.state.atomic` (see state.ts for the keys).
 * Each step decides, in one script, both "is the group complete?" and "which delivery emits
 * it": the delivery that completes a group moves it under a key named after that delivery, so
 * the id of what it emits (derived by the engine from that delivery's message) is fixed in the
 * same step. A re-run of that delivery after a crash finds the group there and emits it again
 * with the same id, which the engine's job-id dedupe turns into a no-op downstream.
 *
 * Markers make each part count once: a part already stored (a re-run, a redelivery) changes
 * nothing. Every key gets a TTL.
 */
import type { StateScript } from '../../runtime';

/** Reply of a completed join group: the group hash as `[field, value, …]`. */
const REPLY_GROUP = `
local function group_reply(status, key)
  return {status, redis.call('HGETALL', key)}
end
`;

/**
 * Stores one part of a join group and completes the group when every input has a part.
 *
 * Input:
 *   KEYS[1] the open group of key K (hash: $gid, $key, $opened, p:<port> → part JSON)
 *   KEYS[2] this delivery's marker (holds the id of the group its part went into)
 *   KEYS[3] the group this delivery completed, if it did (the group hash, renamed)
 *   ARGV[1] port   ARGV[2] part JSON   ARGV[3] id of the group, if this part opens one
 *   ARGV[4] K as JSON   ARGV[5] now (ms)   ARGV[6] TTL of an open group (s)
 *   ARGV[7] TTL of markers and completed groups (s)   ARGV[8..] every input port
 *
 * Output:
 *   {'complete', {field, value, …}}  this delivery completed the group (now, or before a crash)
 *   {'opened', gid, openedAt}       this delivery opened the group, still open: set its timer
 *   {'stored', gid}                 stored in an open group, or stored before (nothing to do)
 */
export const JOIN_PART: StateScript = {
  name: 'mergeJoinPart',
  lua:
    REPLY_GROUP +
    `
if redis.call('EXISTS', KEYS[3]) == 1 then return group_reply('complete', KEYS[3]) end
local marker = redis.call('GET', KEYS[2])
if marker then
  if marker == ARGV[3] and redis.call('HGET', KEYS[1], '$gid') == marker then
    return {'opened', marker, redis.call('HGET', KEYS[1], '$opened')}
  end
  return {'stored', marker}
end
local gid = redis.call('HGET', KEYS[1], '$gid')
local opened = false
if not gid then
  gid = ARGV[3]
  opened = true
  redis.call('HSET', KEYS[1], '$gid', gid, '$key', ARGV[4], '$opened', ARGV[5])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
end
-- A later part on a port that holds one replaces it (the node's documented behaviour).
redis.call('HSET', KEYS[1], 'p:' .. ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], gid, 'EX', ARGV[7])
for i = 8, #ARGV do
  if redis.call('HEXISTS', KEYS[1], 'p:' .. ARGV[i]) == 0 then
    if opened then return {'opened', gid, ARGV[5]} end
    return {'stored', gid}
  end
end
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[7])
return group_reply('complete', KEYS[3])
`,
};

/**
 * A join group's timer fired: if that group is still open, this timer delivery closes it.
 *
 * Input:
 *   KEYS[1] the open group of key K   KEYS[2] the group this timer delivery closed, if it did
 *   ARGV[1] id of the group the timer was set for   ARGV[2] TTL of a closed group (s)
 *
 * Output:
 *   {'timeout', {field, value, …}}  closed by this timer (now, or before a crash)
 *   {'done'}                        that group completed (or timed out) already: nothing to do
 */
export const JOIN_TIMEOUT: StateScript = {
  name: 'mergeJoinTimeout',
  lua:
    REPLY_GROUP +
    `
if redis.call('EXISTS', KEYS[2]) == 1 then return group_reply('timeout', KEYS[2]) end
if redis.call('HGET', KEYS[1], '$gid') ~= ARGV[1] then return {'done'} end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return group_reply('timeout', KEYS[2])
`,
};

/**
 * Closes the open window (KEYS[1] hash, KEYS[2] list) into `dest`: its messages, headed by a
 * JSON summary `{ id, openedAt, closedAt, reason }`.
 */
const CLOSE_WINDOW = `
local function close_window(dest, reason, now, ttl)
  local id = redis.call('HGET', KEYS[1], 'id')
  local openedAt = tonumber(redis.call('HGET', KEYS[1], 'openedAt'))
  redis.call('RENAME', KEYS[2], dest)
  redis.call('LPUSH', dest, cjson.encode({id = id, openedAt = openedAt, closedAt = tonumber(now), reason = reason}))
  redis.call('EXPIRE', dest, ttl)
  redis.call('DEL', KEYS[1])
  return {'flush', redis.call('LRANGE', dest, 0, -1)}
end
`;

/**
 * Appends one message to the open window (opening one if none is), and closes the window when
 * it holds `maxMessages`.
 *
 * Input:
 *   KEYS[1] the open window (hash: id, openedAt)   KEYS[2] its messages (list of part JSON)
 *   KEYS[3] this delivery's marker (the id of the window its message went into)
 *   KEYS[4] the window this delivery closed, if it did
 *   ARGV[1] part JSON   ARGV[2] id of the window, if this message opens one   ARGV[3] now (ms)
 *   ARGV[4] maxMessages   ARGV[5] TTL of the open window (s)   ARGV[6] TTL of markers and closed windows (s)
 *
 * Output:
 *   {'flush', {summary JSON, part JSON, …}}  this delivery closed the window (now, or before a crash)
 *   {'opened', id, openedAt}                 this delivery opened the window, still open: set its timer
 *   {'stored', id}                           appended to an open window, or appended before
 */
export const WINDOW_APPEND: StateScript = {
  name: 'mergeWindowAppend',
  lua:
    CLOSE_WINDOW +
    `
if redis.call('EXISTS', KEYS[4]) == 1 then return {'flush', redis.call('LRANGE', KEYS[4], 0, -1)} end
local marker = redis.call('GET', KEYS[3])
if marker then
  if marker == ARGV[2] and redis.call('HGET', KEYS[1], 'id') == marker then
    return {'opened', marker, redis.call('HGET', KEYS[1], 'openedAt')}
  end
  return {'stored', marker}
end
local id = redis.call('HGET', KEYS[1], 'id')
local opened = false
if not id then
  id = ARGV[2]
  opened = true
  redis.call('HSET', KEYS[1], 'id', id, 'openedAt', ARGV[3])
end
local count = redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], id, 'EX', ARGV[6])
if count >= tonumber(ARGV[4]) then return close_window(KEYS[4], 'count', ARGV[3], ARGV[6]) end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
if opened then return {'opened', id, ARGV[3]} end
return {'stored', id}
`,
};

/**
 * A window's timer fired: if that window is still open, this timer delivery closes it.
 *
 * Input:
 *   KEYS[1] the open window   KEYS[2] its messages   KEYS[3] the window this timer delivery closed, if it did
 *   ARGV[1] id of the window the timer was set for   ARGV[2] now (ms)   ARGV[3] TTL of a closed window (s)
 *
 * Output:
 *   {'flush', {summary JSON, part JSON, …}}  closed by this timer (now, or before a crash)
 *   {'done'}                                 that window was closed already (by count): nothing to do
 */
export const WINDOW_FLUSH: StateScript = {
  name: 'mergeWindowFlush',
  lua:
    CLOSE_WINDOW +
    `
if redis.call('EXISTS', KEYS[3]) == 1 then return {'flush', redis.call('LRANGE', KEYS[3], 0, -1)} end
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return {'done'} end
return close_window(KEYS[3], 'time', ARGV[2], ARGV[3])
`,
};
