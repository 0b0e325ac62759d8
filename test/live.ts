/**
 * Live-tracing tests: real socket.io-client connections to a test server, disconnected after
 * each test, keeping everything they receive. Call `useLiveClients()` after `useServers()` so its
 * cleanup runs first (vitest runs `afterEach` hooks in reverse order).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { afterEach } from 'vitest';
import type { ClientToServerEvents, DeadLetterNotice, DeploymentNotice, JoinReply, NodeCounters, ServerToClientEvents, TraceBatch } from '../flows/live-events';
import type { TraceEvent } from '../flows/trace-events';
import { eventually } from './engine';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveClient {
  readonly socket: LiveSocket;
  readonly batches: TraceBatch[];
  readonly deployments: DeploymentNotice[];
  readonly deadLetters: DeadLetterNotice[];
  /** Every event received, in order, over all batches. */
  events(): TraceEvent[];
  /** Counters summed over all batches, per flow and node. */
  counters(flowId: string): Record<string, NodeCounters>;
  join(flowId: string): Promise<JoinReply>;
  /** Resolves once `predicate` holds on this client (polls; gives up after 15 s). */
  until(predicate: (client: LiveClient) => boolean, what?: string): Promise<void>;
}

export type LiveClientOptions = Partial<ManagerOptions & SocketOptions>;

export function useLiveClients() {
  const sockets: LiveSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  /** A socket that doesn't retry: what its first attempt gives is the answer. */
  const open = (url: string, options: LiveClientOptions = {}): LiveSocket => {
    const socket: LiveSocket = io(url, { reconnection: false, forceNew: true, timeout: 5_000, ...options });
    sockets.push(socket);
    return socket;
  };

  return {
    open,

    /** Connects, or rejects with the connect error (its `message`, and `data` if the server sent some). */
    async connect(url: string, options: LiveClientOptions = {}): Promise<LiveClient> {
      const socket = open(url, options);
      const client: LiveClient = {
        socket,
        batches: [],
        deployments: [],
        deadLetters: [],
        events: () => client.batches.flatMap((b) => b.events),
        counters(flowId) {
          const sum: Record<string, NodeCounters> = {};
          for (const batch of client.batches.filter((b) => b.flowId === flowId)) {
            for (const [nodeId, c] of Object.entries(batch.counters)) {
              const into = (sum[nodeId] ??= { started: 0, completed: 0, failed: 0, retried: 0, deadLettered: 0, skipped: 0 });
              for (const key of Object.keys(c) as Array<keyof NodeCounters>) into[key] += c[key];
            }
          }
          return sum;
        },
        join: (flowId) => socket.timeout(10_000).emitWithAck('join', flowId),
        until: async (predicate, what = 'live messages') => {
          await eventually(() => predicate(client), what);
        },
      };
      socket.on('trace', (batch) => client.batches.push(batch));
      socket.on('deployment', (notice) => client.deployments.push(notice));
      socket.on('dead-letters', (notice) => client.deadLetters.push(notice));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
      return client;
    },
  };
}

/** `inject "in" → map "m" → log "out"`: every run gives run:started, each node's started/completed, run:finished. */
export const pipelineFlow = (id: string, expression = '{ "n": n }') => ({
  format: 'tributary.flow/v1',
  id,
  name: id,
  nodes: [
    { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    { id: 'm', type: 'map', position: { x: 200, y: 0 }, config: { expression } },
    { id: 'out', type: 'log', position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'm', port: 'in' } },
    { id: 'e2', from: { node: 'm', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
});
