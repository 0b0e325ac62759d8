/**
 * Socket.IO clients watching a flow, in a process of their own (as browsers would be, they
 * don't share the server's event loop). For every `node:completed` of the watched node it
 * notes the lag from the event's time to its arrival. Parent ↔ child over IPC:
 *   child → { ready } once every client has joined;  parent → 'reset' | 'report' | 'stop';
 *   child → { report: { received, lags } } on 'report'.
 *
 * Started by {@link startLiveClients}; `node --import tsx bench/lib/live-clients.ts <url> <flowId> <nodeId> <count>`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../flows/live-events';

export interface LiveReport {
  /** Batches received over all clients since the last reset. */
  batches: number;
  /** Lag samples (ms) over all clients since the last reset. */
  lags: number[];
}

export interface LiveClients {
  reset(): void;
  report(): Promise<LiveReport>;
  close(): Promise<void>;
}

export async function startLiveClients(url: string, flowId: string, nodeId: string, count: number): Promise<LiveClients> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [url, flowId, nodeId, String(count)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`live clients exited with ${code} before joining`)));
  });
  return {
    reset: () => child.send('reset'),
    report: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve((m as { report: LiveReport }).report));
        child.send('report');
      }),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

async function main([url, flowId, nodeId, countText]: string[]): Promise<void> {
  let batches = 0;
  let lags: number[] = [];
  const sockets: Array<Socket<ServerToClientEvents, ClientToServerEvents>> = [];
  for (let i = 0; i < Number(countText); i++) {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url!, { reconnection: false, forceNew: true, transports: ['websocket'] });
    socket.on('trace', (batch) => {
      const now = Date.now();
      batches++;
      for (const e of batch.events) if (e.type === 'node:completed' && e.data.nodeId === nodeId) lags.push(now - e.data.at);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const reply = await socket.timeout(10_000).emitWithAck('join', flowId!);
    if (!reply.ok) throw new Error(`join refused: ${JSON.stringify(reply)}`);
    sockets.push(socket);
  }
  process.on('message', (m) => {
    if (m === 'reset') {
      batches = 0;
      lags = [];
    } else if (m === 'report') process.send!({ report: { batches, lags } });
    else if (m === 'stop') {
      for (const s of sockets) s.disconnect();
      process.exit(0);
    }
  });
  process.send!({ ready: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`live clients: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
