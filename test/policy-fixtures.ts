/**
 * Fixtures of the engine's policy tests (engine/policies-*.test.ts, dead-letters, circuit breaker,
 * stalled jobs): small flow documents, loopback HTTP servers that play an external API, and
 * waits on trace events. Nothing here reaches anything but 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { startServer, type TestServer } from '../nodes/runtime/http/test-servers';
import type { TraceEvents } from '../flows/trace-events';
import type { TestEngines, TraceLog } from './engine';

/**
 * Redis promotes a delayed job at or after its time, but `nextAttemptAt` is read from the clock a
 * few statements before BullMQ reads it again for the delay: allow that much when comparing.
 */
export const CLOCK_TOLERANCE_MS = 5;

export const edge = (id: string, from: string, to: string, fromPort = 'out', toPort = 'in') => ({
  id,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});

/** A flow document; nodes get positions and an empty config unless they bring one. */
export const flowDoc = (id: string, nodes: Array<Record<string, unknown>>, edges: unknown[]) => ({
  format: 'tributary.flow/v1',
  id,
  name: id,
  nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, config: {}, ...n })),
  edges,
});

/** `inject "in" → http-request "send"` posting the payload to `url`, with the sink's `policy`. */
export const sinkFlow = (id: string, url: string, policy?: Record<string, unknown>) =>
  flowDoc(
    id,
    [
      { id: 'in', type: 'inject' },
      { id: 'send', type: 'http-request', config: { url: JSON.stringify(url) }, ...(policy && { policy }) },
    ],
    [edge('e1', 'in', 'send')],
  );

/** JSON lines a file sink wrote into `dataDir` (none yet: []). */
export function fileLines(dataDir: string, name: string): unknown[] {
  try {
    return readFileSync(join(dataDir, 'files', name), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

/** A request as the fake API saw it, with when it arrived. */
export interface SeenRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export interface FakeApi {
  server: TestServer;
  origin: string;
  readonly seen: SeenRequest[];
}

/**
 * A loopback server standing in for an external API: `answer` gets each request (its body parsed
 * as JSON when it is JSON) and its 1-based number, and answers — or never does. Closed after the
 * test through the harness.
 */
export async function fakeApi(
  t: TestEngines,
  answer: (request: SeenRequest, n: number, res: http.ServerResponse) => void,
): Promise<FakeApi> {
  const seen: SeenRequest[] = [];
  const server = await startServer((req, res, text) => {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const request = { url: req.url ?? '', headers: req.headers, body, at: Date.now() };
    seen.push(request);
    answer(request, seen.length, res);
  });
  t.redis.track(server);
  return { server, origin: server.origin, seen };
}

/** Answers `status` with a small JSON body (and headers). */
export const reply = (res: http.ServerResponse, status: number, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ status }));

/** Resolves with the `n`-th `run:finished` of a run (a replay reopens a run, which then finishes again). */
export async function runFinished(traces: TraceLog, runId: string, n = 1): Promise<TraceEvents['run:finished']> {
  await traces.until(() => traces.of('run:finished', runId).length >= n);
  return traces.of('run:finished', runId)[n - 1]!;
}

/** A node's events of one type in a run, in the order they were published. */
export const nodeEvents = <K extends keyof TraceEvents>(traces: TraceLog, type: K, runId: string, nodeId: string) =>
  traces.of(type, runId).filter((e) => (e as { nodeId?: string }).nodeId === nodeId) as Array<TraceEvents[K]>;
