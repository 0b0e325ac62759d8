/**
 * Test fixtures for the saga: a flow `inject → saga → (completed | compensated) → file`, steps
 * calling one test service, and readers for what the two ports delivered and the saga's progress.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../engine/engine';
import type { SagaProgress } from './progress';

export const FLOW = 'order-saga';
export const SAGA = 'saga';

type Json = Record<string, unknown>;

/**
 * A step named `name` that POSTs the payload to `<origin>/<name>` and, as compensation, POSTs to
 * `<origin>/<name>/undo`; quick fixed retries so failing tests stay short.
 */
export function step(origin: string, name: string, extra: Json = {}): Json {
  return {
    name,
    action: { url: `"${origin}/${name}"`, body: '$' },
    compensation: { url: `"${origin}/${name}/undo"`, body: '{ "order": order }' },
    retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 20 } },
    ...extra,
  };
}

export function sagaFlow(steps: Json[], policy?: Json): Json {
  const at = (i: number) => ({ x: i * 200, y: 0 });
  const edge = (id: string, from: string, port: string, to: string) => ({ id, from: { node: from, port }, to: { node: to, port: 'in' } });
  return {
    format: 'tributary.flow/v1',
    id: FLOW,
    name: 'Order saga',
    nodes: [
      { id: 'in', type: 'inject', position: at(0), config: {} },
      { id: SAGA, type: 'saga', position: at(1), config: { steps }, ...(policy && { policy }) },
      { id: 'done', type: 'file', position: at(2), config: { path: 'completed.jsonl' } },
      { id: 'undone', type: 'file', position: at(3), config: { path: 'compensated.jsonl' } },
    ],
    edges: [edge('e1', 'in', 'out', SAGA), edge('e2', SAGA, 'completed', 'done'), edge('e3', SAGA, 'compensated', 'undone')],
  };
}

/** What the saga's `completed` or `compensated` port delivered so far (one line per message). */
export function outputs(dataDir: string, port: 'completed' | 'compensated'): Json[] {
  try {
    return readFileSync(join(dataDir, 'files', `${port}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Json);
  } catch {
    return [];
  }
}

/** The saga's progress record for the message `messageId` (as it arrived at the saga). */
export async function progressOf(engine: Engine, messageId: string): Promise<SagaProgress | undefined> {
  const json = await engine.redis.get(engine.keys.nodeState(FLOW, SAGA, `progress:${messageId}`));
  return json === null ? undefined : (JSON.parse(json) as SagaProgress);
}
