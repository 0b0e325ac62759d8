/**
 * The trace event map: one definition of what the engine publishes, the server relays over
 * Socket.IO and the editor shows. Pure types and constants — no runtime imports — so every
 * layer imports it and none can drift from the others.
 *
 * Every event carries flow, revision and run ids and its time; node events add the node, the
 * message and the attempt. Payloads appear only as bounded, redacted previews (see preview.ts).
 */
import type { Preview } from './preview';
import type { TraceError } from '../contracts/trace-error';

export interface TraceBase {
  flowId: string;
  revision: number;
  runId: string;
  /** When it happened, ms since the epoch. */
  at: number;
}

export interface NodeTraceBase extends TraceBase {
  nodeId: string;
  nodeType: string;
  messageId: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** An error as traces show it: classified, never with a stack or a secret. */
export type { TraceError } from '../contracts/trace-error';

export interface TraceOutput {
  port: string;
  messageId: string;
  preview: Preview;
}

/** Outputs a `node:completed` event lists with their previews; the rest are only counted. */
export const MAX_TRACE_OUTPUTS = 20;

export interface TraceEvents {
  'run:started': TraceBase & { messageId: string; nodeId: string; input: Preview };
  'node:started': NodeTraceBase & { input: Preview };
  /**
   * `outputs`: the first MAX_TRACE_OUTPUTS messages sent; `moreOutputs`: how many more were sent
   * (a 10,000-item split stays a few kilobytes). `result`: what a node noted besides its outputs
   * (a sink's response, a logged value).
   */
  'node:completed': NodeTraceBase & { durationMs: number; outputs: TraceOutput[]; moreOutputs?: number; result?: Preview };
  /** A failed attempt; `outcome` says what happens next. */
  'node:failed': NodeTraceBase & {
    durationMs: number;
    error: TraceError;
    outcome: 'retry' | 'dead-letter' | 'error-port' | 'drop';
  };
  'node:retrying': NodeTraceBase & { error: TraceError; delayMs: number; nextAttemptAt: number };
  'node:dead-lettered': NodeTraceBase & { deadLetterId: string; error: TraceError; attempts: number };
  /** Not executed: its idempotency key was already processed within the TTL. */
  'node:skipped': NodeTraceBase & { reason: 'duplicate'; idempotencyKey: string };
  /** A saga unwinding: the compensation of `step` is about to run. */
  'node:compensating': NodeTraceBase & { step: string; stepIndex: number };
  'run:finished': TraceBase & {
    status: 'completed' | 'failed';
    durationMs: number;
    counts: { completed: number; failed: number; deadLettered: number; skipped: number };
  };
}

export type TraceEventName = keyof TraceEvents;

/** One event with its name, as it travels through Redis and Socket.IO. */
export type TraceEvent = { [K in TraceEventName]: { type: K; data: TraceEvents[K] } }[TraceEventName];

export const TRACE_EVENT_NAMES = [
  'run:started',
  'node:started',
  'node:completed',
  'node:failed',
  'node:retrying',
  'node:dead-lettered',
  'node:skipped',
  'node:compensating',
  'run:finished',
] as const satisfies readonly TraceEventName[];

/** A typed emitter signature every producer and relay of trace events implements. */
export type TraceEmit = <K extends TraceEventName>(type: K, data: TraceEvents[K]) => void;
