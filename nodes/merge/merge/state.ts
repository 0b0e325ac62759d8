/**
 * Where a merge keeps its state (keys of `ctx.state`, scoped to the node) and for how long, and
 * the small codec between the runtime and the Lua in scripts.ts.
 *
 * A part is named by the delivery that brought it: `<port>:<message id>` — the same message may
 * be wired into two inputs, and each delivery counts once.
 */
import { createHash } from 'node:crypto';
import { TransientError } from '../../errors';
import type { Message, NodeContext, StateScript } from '../../runtime';

/**
 * How long open state outlives its deadline. A timer fires late when no worker runs; within
 * this margin the group or window is still there to be flushed, past it it expires.
 */
export const OPEN_MARGIN_SEC = 86_400;

/**
 * How long markers ("this delivery's part is stored") and closed groups/windows are kept: the
 * span within which a re-run, retry or dead-letter replay of a delivery is recognised, and a
 * delivery that closed a group re-emits the same group. Bounded, so a merge holds at most about
 * a day of what passed through it.
 */
export const KEPT_SEC = 86_400;

/** One stored message of a group or window. */
export interface Part {
  port: string;
  id: string;
  runId: string;
  payload: unknown;
}

export const partOf = (message: Message): string =>
  JSON.stringify({ port: message.meta.port, id: message.id, runId: message.runId, payload: message.payload ?? null } satisfies Part);

/** Short, fixed-length id from parts (what may contain any character: keys, message ids). */
export const hashId = (...parts: string[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);

/** The delivery's own name: its input port and message id. */
const delivery = (message: Message): string => `${message.meta.port}:${message.id}`;

export const stateKeys = {
  /** A join group: every part so far of correlation key hash `keyHash`. */
  group: (keyHash: string) => `join:${keyHash}`,
  /** The open window and its messages. */
  window: 'window',
  windowItems: 'window:items',
  /** Marker that this delivery's part is stored (holds the group or window id). */
  marker: (message: Message) => `part:${delivery(message)}`,
  /** What this delivery closed, if it did (a group, or a window headed by its summary). */
  closed: (message: Message) => `closed:${delivery(message)}`,
};

/** Runs a merge script; Redis being unreachable (or anything else failing there) is worth a retry. */
export async function atomically(ctx: NodeContext<unknown>, script: StateScript, keys: string[], args: Array<string | number>): Promise<unknown[]> {
  try {
    return (await ctx.state.atomic(script, keys, args)) as unknown[];
  } catch (error) {
    throw new TransientError(`merge state: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Sets a timer, a failure of which is worth a retry like any other Redis failure. */
export async function setTimer(ctx: NodeContext<unknown>, key: string, atMs: number, payload: unknown): Promise<void> {
  try {
    await ctx.timers.set(key, atMs, payload);
  } catch (error) {
    throw new TransientError(`merge timer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Seconds, at least 1, for a TTL. */
export const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Runs of `parts` in order, each once. */
export const runsOf = (parts: Iterable<Part>): string[] => [...new Set([...parts].map((p) => p.runId))];
