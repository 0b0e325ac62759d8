/**
 * The editor's side of live tracing: one Socket.IO connection to the server's relay
 * (flows/live-events.ts), watching the open flow. It seeds the flow's counters from
 * `GET /api/flows/:id/counters`, adds each `trace` batch's exact per-node counters, and hands
 * them to the store at most once per animation frame, however many batches arrived in between.
 * After a reconnect or a redeploy it joins again and re-seeds, so counters continue from the
 * server's counts rather than from what this page happened to see. A token-protected server gets
 * the REST token (asked for the same way when it is missing or refused).
 */
import { io, type Socket } from 'socket.io-client';
import { LIVE_PATH, type ClientToServerEvents, type JoinReply, type NodeCounters, type ServerToClientEvents, type TraceBatch } from '../../../flows/live-events';
import type { FlowCounters } from '../../../contracts/api';
import type { Http } from '../api/http';
import type { TokenStore } from '../api/token';
import type { EditorStore } from '../store/create-store';
import { mergeCounters } from './node-live';

/** Failed connection attempts in a row after which the indicator says offline (it keeps trying). */
const OFFLINE_AFTER = 2;


export interface LiveSessionOptions {
  store: EditorStore;
  http: Http;
  tokens: TokenStore;
  /** Where the relay is (default: this page's origin). */
  url?: string;
}

export interface LiveSession {
  /** Watches `flowId` (null: none); the previous one is left. */
  watch(flowId: string | null): void;
  close(): void;
}

export function startLiveSession({ store, http, tokens, url }: LiveSessionOptions): LiveSession {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url ?? '', {
    path: LIVE_PATH,
    transports: ['websocket'],
    autoConnect: false,
    auth: (cb) => cb({ token: tokens.get() ?? undefined }),
  });
  const state = store.getState;
  let flowId: string | null = null;
  /** Bumped on each (re)join: a seed or batch of an older one is ignored. */
  let generation = 0;
  /** Seeded for this generation: batches before the seed are already in its counts. */
  let seeded = -1;
  let failures = 0;
  let pending = new Map<string, NodeCounters>();
  let frame: number | null = null;

  const flush = () => {
    frame = null;
    if (!flowId || pending.size === 0) return;
    const added = pending;
    pending = new Map();
    state().applyLive(flowId, added);
  };

  const seed = async (forFlow: string, forGeneration: number) => {
    try {
      const answer = await http<FlowCounters>('GET', `/api/flows/${encodeURIComponent(forFlow)}/counters`);
      if (forGeneration !== generation || forFlow !== flowId) return;
      pending = new Map();
      state().seedLive(forFlow, answer.counters);
      seeded = forGeneration;
    } catch {
      // Not deployed any more, or the server went away: the next join seeds again.
      if (forGeneration === generation && forFlow === flowId) {
        state().seedLive(forFlow, {});
        seeded = forGeneration;
      }
    }
  };

  const join = () => {
    const forFlow = flowId;
    if (!forFlow || !socket.connected) return;
    const forGeneration = ++generation;
    socket.emit('join', forFlow, (reply: JoinReply) => {
      if (forGeneration !== generation || forFlow !== flowId) return;
      if (!reply.ok) {
        state().setLiveConnection('offline');
        return;
      }
      failures = 0;
      if (state().doc?.id === forFlow) store.setState({ deployedRevision: reply.revision ?? null });
      state().setLiveConnection('live');
      void seed(forFlow, forGeneration);
    });
  };

  socket.on('connect', join);
  socket.on('disconnect', (reason) => {
    state().setLiveConnection(flowId ? 'reconnecting' : 'offline');
    // The server closed the connection on purpose (it stopped): Socket.IO doesn't retry those.
    if (reason === 'io server disconnect' && flowId) socket.connect();
  });
  socket.on('connect_error', (error: Error & { data?: { status?: number } }) => {
    if (error.data?.status === 401) {
      state().setLiveConnection('offline');
      const refused = tokens.get() !== null;
      // The same prompt as a refused REST call; connect again once a token is given.
      void state()
        .askToken(refused)
        .then(() => flowId && socket.connect());
      return;
    }
    failures += 1;
    state().setLiveConnection(failures >= OFFLINE_AFTER ? 'offline' : 'reconnecting');
  });
  socket.on('trace', (batch: TraceBatch) => {
    if (batch.flowId !== flowId || seeded !== generation) return;
    mergeCounters(pending, batch.counters);
    frame ??= requestAnimationFrame(flush);
  });
  // A new revision counts its own nodes: start again from the server's counts.
  // It may come from elsewhere (the CLI, another tab): the toolbar's deploy state follows it.
  socket.on('deployment', (notice) => {
    if (notice.flowId !== flowId) return;
    if (state().doc?.id === notice.flowId) store.setState({ deployedRevision: notice.revision ?? null });
    join();
  });

  return {
    watch(next) {
      if (next === flowId) return;
      if (flowId && socket.connected) socket.emit('leave', flowId);
      flowId = next;
      generation += 1;
      pending = new Map();
      state().clearLive();
      if (!next) {
        state().setLiveConnection('offline');
        return;
      }
      state().setLiveConnection(socket.connected ? 'connecting' : failures >= OFFLINE_AFTER ? 'offline' : 'connecting');
      if (socket.connected) join();
      else socket.connect();
    },
    close() {
      if (frame !== null) cancelAnimationFrame(frame);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
