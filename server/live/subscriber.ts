/**
 * The one Redis subscriber of a server process's live relay: the trace channel (every event the
 * engine publishes, whichever process ran the work) and the control channel (deployment
 * changes). It listens only while somebody watches — `sync()` brings the subscription in line
 * with `wanted()` — so a server nobody watches doesn't receive the whole installation's traffic.
 * ioredis re-subscribes by itself after a reconnect; what was published in between is missed
 * (runs keep their events, so the editor can reload them over REST).
 */
import type { Redis } from 'ioredis';
import type { DeploymentNotice } from '../../flows/live-events';
import type { TraceEvent } from '../../flows/trace-events';

export interface SubscriberHandlers {
  trace(event: TraceEvent): void;
  deployment(notice: DeploymentNotice): void;
  /** A message that wasn't what the channel carries (logged, then ignored). */
  malformed(channel: string, reason: string): void;
}

/** A control message `{ flowId, revision? }`, or undefined when it isn't one. */
export function parseDeploymentNotice(text: string): DeploymentNotice | undefined {
  const value = JSON.parse(text) as { flowId?: unknown; revision?: unknown; draining?: unknown };
  if (typeof value?.flowId !== 'string') return undefined;
  if (typeof value.revision === 'number') return { flowId: value.flowId, revision: value.revision };
  if (value.revision !== undefined) return undefined;
  return value.draining === true ? { flowId: value.flowId, draining: true } : { flowId: value.flowId };
}

function parseTraceEvent(text: string): TraceEvent | undefined {
  const value = JSON.parse(text) as { type?: unknown; data?: { flowId?: unknown } };
  return typeof value?.type === 'string' && typeof value.data?.flowId === 'string' ? (value as TraceEvent) : undefined;
}

export class LiveSubscriber {
  readonly #connection: Redis;
  readonly #channels: { trace: string; control: string };
  #subscribed = false;
  #closed = false;
  #queue: Promise<void> = Promise.resolve();

  /**
   * @param redis A connection to duplicate (the subscriber gets its own: a subscribed ioredis
   *   connection can't run other commands).
   */
  constructor(
    redis: Redis,
    channels: { trace: string; control: string },
    private readonly wanted: () => boolean,
    handlers: SubscriberHandlers,
  ) {
    this.#channels = channels;
    this.#connection = redis.duplicate({ connectionName: 'tributary-live', lazyConnect: true });
    this.#connection.on('error', () => undefined); // reconnects by itself; sync() reports failures
    this.#connection.on('message', (channel: string, text: string) => {
      try {
        if (channel === channels.trace) {
          const event = parseTraceEvent(text);
          if (event) handlers.trace(event);
          else handlers.malformed(channel, 'not a trace event');
        } else if (channel === channels.control) {
          const notice = parseDeploymentNotice(text);
          if (notice) handlers.deployment(notice);
          else handlers.malformed(channel, 'not a deployment change');
        }
      } catch (error) {
        handlers.malformed(channel, error instanceof Error ? error.message : String(error));
      }
    });
  }

  /**
   * Subscribes or unsubscribes as `wanted()` says by the time this step runs; steps run one at a
   * time, so a quick join/leave/join ends up where the last one left it. Resolves once Redis has
   * confirmed: events published after that reach the handlers.
   */
  sync(): Promise<void> {
    const step = this.#queue.then(async () => {
      const want = this.wanted() && !this.#closed;
      if (want === this.#subscribed) return;
      const channels = [this.#channels.trace, this.#channels.control];
      if (want) {
        if (this.#connection.status === 'wait') await this.#connection.connect();
        await this.#connection.subscribe(...channels);
        this.#subscribed = true;
      } else {
        this.#subscribed = false;
        await this.#connection.unsubscribe(...channels);
      }
    });
    this.#queue = step.catch(() => undefined);
    return step;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    // A connection that never connected would connect just to say QUIT.
    if (this.#connection.status === 'wait') this.#connection.disconnect();
    else await this.#connection.quit().catch(() => this.#connection.disconnect());
  }
}
