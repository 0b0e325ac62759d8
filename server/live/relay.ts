/**
 * Live tracing: Socket.IO on the API's own HTTP server (path `/socket.io`), typed by
 * flows/live-events.ts. A client `join`s a flow's room; this process relays that flow's trace
 * events (batched, see batcher.ts), deployment changes and dead-letter notices to the room.
 *
 * Every server process relays on its own: each has one Redis subscriber (subscriber.ts) and
 * sees every event whichever process ran the work, so no Socket.IO adapter is needed — a
 * client gets everything from whichever process it is connected to. Only flows somebody
 * watches here are batched; with nobody watching, the process doesn't even subscribe.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SAFE_ID } from '../../flows/limits';
import { LIVE_PATH, type ClientToServerEvents, type JoinReply, type ServerToClientEvents } from '../../flows/live-events';
import type { ServerContext } from '../context';
import type { ServerAttachment } from '../http-server';
import type { SecurityOptions } from '../http/security';
import { Batcher, type BatchLimits } from './batcher';
import { allowHandshake, requireHandshakeToken } from './handshake';
import { LiveSubscriber } from './subscriber';

export interface LiveOptions {
  /** Batching interval and bounds (defaults in batcher.ts: 75 ms, 500 events). */
  batch?: Partial<BatchLimits>;
  /** Flows one connection may watch at once. Default 50. */
  maxFlowsPerSocket?: number;
}

export interface LiveTracing {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  close(): Promise<void>;
}

const ROOM_PREFIX = 'flow:';
const roomOf = (flowId: string) => `${ROOM_PREFIX}${flowId}`;

/** The relay as a {@link ServerAttachment} (`startApiServer(ctx, options, [liveTracing()])`). */
export const liveTracing =
  (options: LiveOptions = {}): ServerAttachment =>
  (server, ctx, security) =>
    attachLiveTracing(server, ctx, security, options);

export function attachLiveTracing(server: HttpServer, ctx: ServerContext, security: SecurityOptions, options: LiveOptions = {}): LiveTracing {
  const maxFlows = options.maxFlowsPerSocket ?? 50;
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, {
    path: LIVE_PATH,
    serveClient: false,
    // Clients only ever send join/leave.
    maxHttpBufferSize: 16 * 1024,
    allowRequest: allowHandshake(security),
    ...(security.corsOrigins.length > 0 && { cors: { origin: [...security.corsOrigins] } }),
  });
  io.use(requireHandshakeToken(security));

  /** Flows with at least one member in their room, on this process. */
  const watched = new Set<string>();
  const batcher = new Batcher(options.batch ?? {}, (batch, deadLetters) => {
    const room = io.to(roomOf(batch.flowId));
    room.emit('trace', batch);
    for (const notice of deadLetters) room.emit('dead-letters', notice);
  });
  const subscriber = new LiveSubscriber(ctx.engine.redis, { trace: ctx.engine.keys.traceChannel(), control: ctx.engine.keys.controlChannel() }, () => watched.size > 0, {
    trace: (event) => {
      if (watched.has(event.data.flowId)) batcher.add(event);
    },
    deployment: (notice) => {
      if (watched.has(notice.flowId)) io.to(roomOf(notice.flowId)).emit('deployment', notice);
    },
    malformed: (channel, reason) => ctx.log.warn({ channel, reason }, 'live tracing: ignored a malformed message'),
  });
  const resync = () => subscriber.sync().catch((error: unknown) => ctx.log.warn({ err: String(error) }, 'live tracing: (un)subscribing failed'));

  const adapter = io.of('/').adapter;
  adapter.on('create-room', (room: string) => {
    if (room.startsWith(ROOM_PREFIX)) watched.add(room.slice(ROOM_PREFIX.length));
  });
  adapter.on('delete-room', (room: string) => {
    if (!room.startsWith(ROOM_PREFIX)) return;
    const flowId = room.slice(ROOM_PREFIX.length);
    watched.delete(flowId);
    batcher.discard(flowId);
    void resync();
  });

  io.on('connection', (socket) => {
    const flowRooms = () => [...socket.rooms].filter((room) => room.startsWith(ROOM_PREFIX)).length;

    socket.on('join', async (flowId: unknown, ack: unknown) => {
      // The client is not trusted to send what the types say.
      const reply = (r: JoinReply) => {
        if (typeof ack === 'function') ack(r);
      };
      if (typeof flowId !== 'string' || !SAFE_ID.test(flowId)) return reply({ ok: false, error: 'join: expected a flow id' });
      const room = roomOf(flowId);
      if (!socket.rooms.has(room) && flowRooms() >= maxFlows) return reply({ ok: false, error: `join: at most ${maxFlows} flows per connection` });
      await socket.join(room);
      try {
        await subscriber.sync();
      } catch {
        await socket.leave(room);
        return reply({ ok: false, error: 'join: live tracing is unavailable (Redis did not answer)' });
      }
      const revision = (await ctx.engine.deployed().catch(() => undefined))?.get(flowId);
      reply(revision === undefined ? { ok: true, flowId } : { ok: true, flowId, revision });
    });

    socket.on('leave', (flowId: unknown) => {
      if (typeof flowId === 'string') void socket.leave(roomOf(flowId));
    });
  });

  return {
    io,
    async close() {
      batcher.close();
      io.disconnectSockets(true);
      // Not io.close(): that would close the HTTP server, which belongs to its owner.
      io.engine.close();
      await subscriber.close();
    },
  };
}
