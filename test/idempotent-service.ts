/**
 * A small HTTP service on 127.0.0.1 with several endpoints (paths) that honours `Idempotency-Key`
 * the way a well-behaved API does: the first request with a key that succeeds applies its effect
 * and its answer is remembered; a later request with the same key applies nothing and gets the
 * remembered answer again. A failed answer (non-2xx) applies nothing and is not remembered, so a
 * retry may succeed. It counts every raw request per path, so saga tests can assert both "each
 * effect applied once" and "this endpoint was (or wasn't) called again".
 *
 * Each path answers 200 `{ ok, path, key }` unless the test says otherwise (`answer`). A test can
 * hold the answers of a path: the effect is applied on receipt, the answer waits — the request is
 * provably in flight in the process that sent it — until `release()`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServersAfterEach } from './http-servers';

export interface ServiceCall {
  method: string;
  path: string;
  key: string;
  body: unknown;
}

/** How a path answers. `hang`: never (until the client gives up). */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | { hang: true };

export interface IdempotentService {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Raw requests to `path`, repeats and failures included. */
  raw(path: string): number;
  /** Effects applied, in order: the first successful request of each key. */
  readonly applied: readonly ServiceCall[];
  /** The paths of `applied`, in order. */
  appliedPaths(): string[];
  /** Requests that came without an `Idempotency-Key` (answered 400, nothing applied). */
  readonly unkeyed: number;
  /** From now on `path` answers what `answer` returns for its `n`-th raw request (from 1). */
  answer(path: string, answer: (call: ServiceCall, n: number) => Answer): void;
  /** Holds the answers of `path` (effects still apply on receipt) until {@link release}. */
  hold(path: string): void;
  /** Requests to `path` whose answer is held. */
  held(path: string): number;
  /** Holds nothing any more, and answers what was held (if its client is still there). */
  release(): void;
}

export function useIdempotentService(): { start(): Promise<IdempotentService> } {
  const track = closeServersAfterEach();
  return {
    async start() {
      const raw = new Map<string, number>();
      const remembered = new Map<string, { status: number; body: unknown }>();
      const applied: ServiceCall[] = [];
      const answers = new Map<string, (call: ServiceCall, n: number) => Answer>();
      const holding = new Set<string>();
      const parked: Array<{ path: string; answer(): void }> = [];
      let unkeyed = 0;

      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const path = new URL(req.url ?? '/', 'http://x').pathname;
          const n = (raw.get(path) ?? 0) + 1;
          raw.set(path, n);
          const key = req.headers['idempotency-key'];
          if (typeof key !== 'string' || key === '') {
            unkeyed++;
            res.writeHead(400).end('Idempotency-Key required');
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text === '' ? undefined : text;
          try {
            body = JSON.parse(text);
          } catch {
            /* kept as text */
          }
          const call: ServiceCall = { method: req.method ?? '', path, key, body };
          const answer: Answer = remembered.get(key) ?? (answers.get(path) ?? (() => ({ status: 200, body: { ok: true, path, key } })))(call, n);
          if ('hang' in answer) return;
          if (answer.status >= 200 && answer.status < 300 && !remembered.has(key)) {
            remembered.set(key, { status: answer.status, body: answer.body });
            applied.push(call);
          }
          const { status, body: out, headers } = answer;
          const send = () => {
            if (!res.destroyed) res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(out === undefined ? '' : JSON.stringify(out));
          };
          if (holding.has(path)) parked.push({ path, answer: send });
          else send();
        });
      });
      track(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        origin: `http://127.0.0.1:${port}`,
        raw: (path) => raw.get(path) ?? 0,
        applied,
        appliedPaths: () => applied.map((c) => c.path),
        get unkeyed() {
          return unkeyed;
        },
        answer: (path, answer) => void answers.set(path, answer),
        hold: (path) => void holding.add(path),
        held: (path) => parked.filter((p) => p.path === path).length,
        release() {
          holding.clear();
          for (const p of parked.splice(0)) p.answer();
        },
      };
    },
  };
}
