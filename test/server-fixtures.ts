/**
 * Fixtures of the server's route tests: small flow documents, deploying them over the API, and
 * waiting for a run to finish as the REST API shows it. Nothing here reaches beyond 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { eventually } from './engine';
import type { TestServer } from './server';

export const edge = (id: string, from: string, to: string, fromPort = 'out', toPort = 'in') => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

/** A flow document; nodes get positions and an empty config unless they bring one. */
export const flowDoc = (id: string, nodes: Array<Record<string, unknown>>, edges: unknown[], settings?: Record<string, unknown>) => ({
  format: 'tributary.flow/v1',
  id,
  name: id,
  nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, config: {}, ...n })),
  edges,
  ...(settings && { settings }),
});

/** `inject "in" → file "out"` writing each payload as a JSON line to `<data>/files/<file>`. */
export const injectToFile = (id: string, file = `${id}.jsonl`, settings?: Record<string, unknown>) =>
  flowDoc(id, [{ id: 'in', type: 'inject', config: { payload: { configured: true } } }, { id: 'out', type: 'file', config: { path: file } }], [edge('e1', 'in', 'out')], settings);

/** Webhook nodes (`config` each) all wired to a file sink writing `{ payload, attrs, node }` lines to `<id>.jsonl`. */
export const hookFlow = (id: string, hooks: Array<Record<string, unknown>>, settings?: Record<string, unknown>) =>
  flowDoc(
    id,
    [
      ...hooks.map((config, i) => ({ id: `hook${i}`, type: 'webhook', config })),
      { id: 'out', type: 'file', config: { path: `${id}.jsonl`, value: '{ "payload": $, "attrs": $attrs }' } },
    ],
    hooks.map((_, i) => edge(`e${i}`, `hook${i}`, 'out')),
    settings,
  );

/** Saves `doc` and deploys it over the API (both must succeed). */
export async function deployOverApi(api: TestServer['api'], doc: { id: string }): Promise<void> {
  expect((await api('POST', '/api/flows', doc)).status).toBe(201);
  const deployed = await api('POST', `/api/flows/${doc.id}/deploy`);
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
}

/** The run as `GET /api/runs/:runId` shows it, once it is no longer running. */
export function finishedRun(api: TestServer['api'], runId: string, status: 'completed' | 'failed' = 'completed') {
  return eventually(async () => {
    const { body } = await api('GET', `/api/runs/${encodeURIComponent(runId)}`);
    return body?.summary?.status === status ? body : undefined;
  }, `run ${runId} ${status}`);
}

/** JSON lines a file sink wrote into `dataDir` ([] when none yet). */
export function fileLines(dataDir: string, name: string): unknown[] {
  try {
    return readFileSync(join(dataDir, 'files', name), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
  } catch {
    return [];
  }
}
