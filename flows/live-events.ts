/**
 * The live-tracing channel between the server and the editor, over Socket.IO: what each side
 * may emit, typed by one map per direction (`Server<ClientToServerEvents, ServerToClientEvents>`
 * on the server, `Socket<ServerToClientEvents, ClientToServerEvents>` in the editor). Pure types
 * and constants; the events inside a batch are the engine's own {@link TraceEvent}s, so the
 * relay can't drift from what the engine publishes.
 *
 * A client joins a flow's room and then receives, for that flow only:
 * - `trace`: the flow's trace events, batched (every ~75 ms while events flow) with exact
 *   per-node counters for the batch; a batch keeps at most a bounded number of events (the
 *   newest) and says how many it `dropped`, so a busy flow can't flood a browser;
 * - `deployment`: the flow was deployed (`revision`) or undeployed (no `revision`);
 * - `dead-letters`: a message of the flow went to the dead letters.
 */
import type { TraceEvent, TraceEventName } from './trace-events';

/** Socket.IO's path on the API server. */
export const LIVE_PATH = '/socket.io';

/** Per-node counts of one batch (or, summed by the editor, of a session). */
export interface NodeCounters {
  started: number;
  completed: number;
  /** Failed attempts, whatever happened next (retry, dead letter, error port, drop). */
  failed: number;
  retried: number;
  deadLettered: number;
  /** Not executed: duplicate idempotency key. */
  skipped: number;
}

/** Which counter each trace event adds one to; events not listed count nowhere. */
export const COUNTER_OF_EVENT = {
  'node:started': 'started',
  'node:completed': 'completed',
  'node:failed': 'failed',
  'node:retrying': 'retried',
  'node:dead-lettered': 'deadLettered',
  'node:skipped': 'skipped',
} as const satisfies Partial<Record<TraceEventName, keyof NodeCounters>>;

export interface TraceBatch {
  flowId: string;
  /** The flow's events in the order the engine published them (the newest, when `dropped`). */
  events: TraceEvent[];
  /** nodeId → counts of this batch's events, exact even when events were dropped. */
  counters: Record<string, NodeCounters>;
  /** Events of this batch left out (the oldest) to keep it bounded; absent when none. */
  dropped?: number;
}

export interface DeploymentNotice {
  flowId: string;
  /** The deployed revision; absent once the flow is undeployed. */
  revision?: number;
  /**
   * Undeployed, and still draining: what was in flight finishes (in every process) before a
   * second notice, without `draining`, says the flow's queue is empty.
   */
  draining?: true;
}

export interface DeadLetterNotice {
  flowId: string;
  nodeId: string;
  deadLetterId: string;
}

export type JoinReply =
  | {
      ok: true;
      flowId: string;
      /** The revision deployed when the client joined; absent when the flow isn't deployed. */
      revision?: number;
    }
  | { ok: false; error: string };

export interface ServerToClientEvents {
  trace(batch: TraceBatch): void;
  deployment(notice: DeploymentNotice): void;
  'dead-letters'(notice: DeadLetterNotice): void;
}

export interface ClientToServerEvents {
  /** Starts receiving a flow's events; the ack comes once the relay is listening for them. */
  join(flowId: string, ack: (reply: JoinReply) => void): void;
  leave(flowId: string): void;
}
