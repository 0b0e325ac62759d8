/**
 * mode `window`: messages from any input collect in the open window; it closes when it holds
 * `maxMessages` (the delivery that appends the last one closes it) or `windowMs` after it opened
 * (a timer `window:<id>`, set by the delivery that opened it). The closing delivery emits one
 * message grouping the payloads by input. Window ids come from the delivery that opened the
 * window, so no id is ever reused.
 */
import type { Emission, Message, NodeContext } from '../../runtime';
import { WINDOW_APPEND, WINDOW_FLUSH } from './scripts';
import { atomically, hashId, KEPT_SEC, OPEN_MARGIN_SEC, partOf, runsOf, seconds, setTimer, stateKeys, type Part } from './state';
import type { MergeConfig } from './spec';

/** What a window timer carries: the id of the window it is for. */
export interface WindowTimer {
  window: string;
}

/** The summary heading a closed window. */
interface Summary {
  id: string;
  openedAt: number;
  closedAt: number;
  reason: 'count' | 'time';
}

export async function windowPart(ctx: NodeContext<MergeConfig>, message: Message): Promise<Emission[]> {
  const { maxMessages, windowMs } = ctx.config;
  const reply = await atomically(
    ctx,
    WINDOW_APPEND,
    [stateKeys.window, stateKeys.windowItems, stateKeys.marker(message), stateKeys.closed(message)],
    [partOf(message), hashId('window', message.meta.port, message.id), Date.now(), maxMessages, seconds(windowMs) + OPEN_MARGIN_SEC, KEPT_SEC],
  );
  switch (reply[0]) {
    case 'flush':
      return [flushed(ctx.config.inputs, reply[1] as string[])];
    case 'opened': {
      const id = reply[1] as string;
      await setTimer(ctx, `window:${id}`, Number(reply[2]) + windowMs, { window: id } satisfies WindowTimer);
      return [];
    }
    default:
      return [];
  }
}

export async function windowTimeout(ctx: NodeContext<MergeConfig>, message: Message, timer: WindowTimer): Promise<Emission[]> {
  const reply = await atomically(
    ctx,
    WINDOW_FLUSH,
    [stateKeys.window, stateKeys.windowItems, stateKeys.closed(message)],
    [timer.window, Date.now(), KEPT_SEC],
  );
  return reply[0] === 'flush' ? [flushed(ctx.config.inputs, reply[1] as string[])] : [];
}

/** A closed window (its summary, then its parts) as one emission: payloads by input, every input listed. */
function flushed(inputs: string[], list: string[]): Emission {
  const [head, ...rest] = list;
  const summary = JSON.parse(head!) as Summary;
  const parts = rest.map((json) => JSON.parse(json) as Part);
  const payload: Record<string, unknown[]> = Object.fromEntries(inputs.map((port) => [port, []]));
  for (const part of parts) (payload[part.port] ??= []).push(part.payload);
  const joinedRuns = runsOf(parts);
  return {
    port: 'out',
    payload,
    attrs: { window: { id: summary.id, count: parts.length, openedAt: summary.openedAt, closedAt: summary.closedAt, reason: summary.reason }, joinedRuns },
    joinedRuns,
  };
}
