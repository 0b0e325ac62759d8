/**
 * An HTTP receiver on 127.0.0.1 that honours `Idempotency-Key` the way a well-behaved API does:
 * the first request with a key applies its effect, every later one with the same key is a repeat
 * that changes nothing (and is answered 200 all the same). It counts every raw request, so crash
 * tests can assert "each effect applied exactly once" and report how many repeats the crashes
 * caused.
 *
 * For crash tests it can also hold back its answers to chosen client connections: a request
 * whose answer is held is provably still in flight — its job still active in the process that
 * sent it — until that process dies.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { closeServersAfterEach } from './http-servers';

export interface Applied {
  key: string;
  body: unknown;
  /** Date.now() when the receiver applied it. */
  at: number;
}

export interface IdempotentReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Raw requests per `Idempotency-Key` (a count above 1 means repeats). */
  readonly seen: ReadonlyMap<string, number>;
  /** Effects applied, in order: the first request of each key. */
  readonly applied: readonly Applied[];
  /** Every request received, repeats included. */
  readonly rawRequests: number;
  /** Requests that came without an `Idempotency-Key` (answered 400, nothing applied). */
  readonly unkeyed: number;
  /**
   * From now on, answers nothing more to connections from these client ports (their requests
   * stay in flight until the client goes away).
   */
  holdFrom(ports: ReadonlySet<number>): void;
  /** Keys of the requests from these client ports that have not been answered. */
  unansweredFrom(ports: ReadonlySet<number>): string[];
  /** Holds nothing any more, and answers what was held. */
  release(): void;
}

export interface ReceiverOptions {
  /** How long to wait before answering each request (ms). Default 0. */
  answerDelayMs?: () => number;
}

interface Pending {
  key: string;
  clientPort: number;
  socket: Socket;
  answer(): void;
}

/** Starts a receiver for each test and closes it after. Read its values inside tests only. */
export function useIdempotentReceiver(options: ReceiverOptions = {}): { start(): Promise<IdempotentReceiver> } {
  const track = closeServersAfterEach();
  return {
    async start() {
      const seen = new Map<string, number>();
      const applied: Applied[] = [];
      const unanswered = new Set<Pending>();
      // Held by connection, not by port number: a port a dead client used may be reused later.
      const sockets = new Set<Socket>();
      let held = new WeakSet<Socket>();
      /** Answers due but held back. */
      const parked = new Set<Pending>();
      let rawRequests = 0;
      let unkeyed = 0;
      const delay = options.answerDelayMs ?? (() => 0);

      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          rawRequests++;
          const key = req.headers['idempotency-key'];
          if (typeof key !== 'string' || key === '') {
            unkeyed++;
            res.writeHead(400).end('Idempotency-Key required');
            return;
          }
          const count = seen.get(key) ?? 0;
          seen.set(key, count + 1);
          if (count === 0) {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              /* kept as text */
            }
            applied.push({ key, body, at: Date.now() });
          }
          const pending: Pending = {
            key,
            clientPort: req.socket.remotePort ?? 0,
            socket: req.socket,
            answer: () => {
              unanswered.delete(pending);
              parked.delete(pending);
              if (!res.destroyed) res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ applied: count === 0 }));
            },
          };
          unanswered.add(pending);
          // The client went away (killed) before its answer: nothing left to answer.
          res.on('close', () => {
            unanswered.delete(pending);
            parked.delete(pending);
          });
          setTimeout(() => (held.has(pending.socket) ? parked.add(pending) : pending.answer()), delay());
        });
      });
      // Keep-alive connections stay open between requests, like a real API's.
      server.keepAliveTimeout = 60_000;
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      track(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        origin: `http://127.0.0.1:${port}`,
        port,
        seen,
        applied,
        get rawRequests() {
          return rawRequests;
        },
        get unkeyed() {
          return unkeyed;
        },
        holdFrom(ports) {
          for (const socket of sockets) if (socket.remotePort !== undefined && ports.has(socket.remotePort)) held.add(socket);
        },
        unansweredFrom(ports) {
          return [...unanswered].filter((p) => ports.has(p.clientPort)).map((p) => p.key);
        },
        release() {
          held = new WeakSet();
          for (const pending of [...parked]) pending.answer();
        },
      };
    },
  };
}
