/**
 * mode `join`: one part per input with the same correlation key K; the delivery whose part
 * completes the group emits `{ <input>: payload, … }` on `out`. The first part of a group sets a
 * timer `join:<group id>` at now + timeoutMs; if it fires while the group is still open, the
 * timer's delivery emits what arrived on `timeout`. A group is identified by the delivery that
 * opened it, so a key joined once can be joined again later, each time with a timer of its own.
 */
import { PermanentError } from '../../errors';
import type { Emission, Message, NodeContext } from '../../runtime';
import { evaluateField } from '../../shared/expressions';
import { JOIN_PART, JOIN_TIMEOUT } from './scripts';
import { atomically, hashId, KEPT_SEC, OPEN_MARGIN_SEC, partOf, runsOf, seconds, setTimer, stateKeys, type Part } from './state';
import type { MergeConfig } from './spec';

/** What a join timer carries: the group's key hash and the group's id. */
export interface JoinTimer {
  group: string;
  gid: string;
}

export async function joinPart(ctx: NodeContext<MergeConfig>, message: Message): Promise<Emission[]> {
  const { inputs, timeoutMs } = ctx.config;
  const keyJson = await correlationKeyOf(ctx, message);
  const group = hashId('join', keyJson);
  const gid = hashId('group', message.meta.port, message.id);
  const now = Date.now();
  const reply = await atomically(
    ctx,
    JOIN_PART,
    [stateKeys.group(group), stateKeys.marker(message), stateKeys.closed(message)],
    [message.meta.port, partOf(message), gid, keyJson, now, seconds(timeoutMs) + OPEN_MARGIN_SEC, KEPT_SEC, ...inputs],
  );
  switch (reply[0]) {
    case 'complete':
      return [joined(inputs, reply[1] as string[])];
    case 'opened': {
      const opened = reply[1] as string;
      await setTimer(ctx, `join:${opened}`, Number(reply[2]) + timeoutMs, { group, gid: opened } satisfies JoinTimer);
      return [];
    }
    default:
      return [];
  }
}

export async function joinTimeout(ctx: NodeContext<MergeConfig>, message: Message, timer: JoinTimer): Promise<Emission[]> {
  const reply = await atomically(ctx, JOIN_TIMEOUT, [stateKeys.group(timer.group), stateKeys.closed(message)], [timer.gid, KEPT_SEC]);
  if (reply[0] !== 'timeout') return [];
  const { parts, key } = groupOf(reply[1] as string[]);
  const arrived = Object.fromEntries([...parts].map(([port, part]) => [port, part.payload]));
  const missing = ctx.config.inputs.filter((port) => !parts.has(port));
  const joinedRuns = runsOf(parts.values());
  return [{ port: 'timeout', payload: { arrived, missing }, attrs: { missing, joinedRuns, correlationKey: key }, joinedRuns }];
}

/** The complete group as one emission on `out`, inputs in their configured order. */
function joined(inputs: string[], flat: string[]): Emission {
  const { parts, key } = groupOf(flat);
  const ordered = [...inputs.filter((port) => parts.has(port)), ...[...parts.keys()].filter((port) => !inputs.includes(port))];
  const payload = Object.fromEntries(ordered.map((port) => [port, parts.get(port)!.payload]));
  const joinedRuns = runsOf(ordered.map((port) => parts.get(port)!));
  return { port: 'out', payload, attrs: { joinedRuns, correlationKey: key }, joinedRuns };
}

/** Parts by port and the correlation key, from the group hash as `[field, value, …]`. */
function groupOf(flat: string[]): { parts: Map<string, Part>; key: unknown } {
  const parts = new Map<string, Part>();
  let key: unknown;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    if (field.startsWith('p:')) parts.set(field.slice(2), JSON.parse(flat[i + 1]!) as Part);
    else if (field === '$key') key = JSON.parse(flat[i + 1]!);
  }
  return { parts, key };
}

/** The message's correlation key, as JSON (so `1` and `"1"` stay different keys). */
async function correlationKeyOf(ctx: NodeContext<MergeConfig>, message: Message): Promise<string> {
  const source = ctx.config.correlationKey;
  if (!source) throw new PermanentError('correlationKey: a join needs one', { code: 'NO_CORRELATION_KEY' });
  const key = await evaluateField(ctx, message, 'correlationKey', source);
  if (key === undefined || key === null || key === '') {
    throw new PermanentError('correlationKey: gave no value for this message', { code: 'NO_CORRELATION_KEY' });
  }
  const json = JSON.stringify(key);
  if (json === undefined) throw new PermanentError('correlationKey: gave a value JSON cannot hold', { code: 'NO_CORRELATION_KEY' });
  return json;
}
