/**
 * Fixtures of the merge's engine-level tests: one inject node per input wired into a merge,
 * whose outputs land in JSON-lines files (with the envelope, so a line written twice by a sink
 * re-run is recognised by its message id), and how to read them back from every process's data
 * directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../engine/engine';
import type { MergeConfig } from './spec';

/** What the file sinks write for each merged message. */
export interface Written<P = unknown> {
  id: string;
  runId: string;
  value: { payload: P; joinedRuns: string[]; attrs: Record<string, unknown> };
}

const WRITE = '{ "payload": $, "joinedRuns": $meta.joinedRuns, "attrs": $attrs }';

/** inject `in-<input>` → merge `merge` (port `<input>`) → file `out.jsonl`, and `timeout` → `timeout.jsonl` in join mode. */
export function mergeFlow(id: string, config: Partial<MergeConfig> & { inputs: string[] }) {
  const sink = (nodeId: string, path: string) => ({ id: nodeId, type: 'file', position: { x: 400, y: 0 }, config: { path, envelope: true, value: WRITE } });
  const join = (config.mode ?? 'join') === 'join';
  return {
    format: 'tributary.flow/v1',
    id,
    name: id,
    nodes: [
      ...config.inputs.map((input, i) => ({ id: `in-${input}`, type: 'inject', position: { x: 0, y: i * 100 }, config: {} })),
      { id: 'merge', type: 'merge', position: { x: 200, y: 0 }, config },
      sink('out', 'out.jsonl'),
      ...(join ? [sink('late', 'timeout.jsonl')] : []),
    ],
    edges: [
      ...config.inputs.map((input) => ({ id: `e-${input}`, from: { node: `in-${input}`, port: 'out' }, to: { node: 'merge', port: input } })),
      { id: 'e-out', from: { node: 'merge', port: 'out' }, to: { node: 'out', port: 'in' } },
      ...(join ? [{ id: 'e-late', from: { node: 'merge', port: 'timeout' }, to: { node: 'late', port: 'in' } }] : []),
    ],
  };
}

/**
 * The distinct messages written to `file` in any of `dataDirs` (a sink re-run after a crash may
 * write a line twice; the same message id is the same message). Throws if one id was written
 * with two different values — that would be two emissions under one id.
 */
export function written<P>(dataDirs: string[], file: string): Array<Written<P>> {
  const byId = new Map<string, Written<P>>();
  for (const dir of dataDirs) {
    let text = '';
    try {
      text = readFileSync(join(dir, 'files', file), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as Written<P>;
      const seen = byId.get(entry.id);
      if (seen && JSON.stringify(seen) !== JSON.stringify(entry)) throw new Error(`message ${entry.id} was written with two different values`);
      byId.set(entry.id, entry);
    }
  }
  return [...byId.values()];
}

/**
 * Whether nothing is left to do in the flow: no job waiting, running or delayed (timers are
 * delayed jobs), none failed. A job enqueues what follows from it before it completes, so
 * all-zero means the flow is at rest.
 */
export async function atRest(api: Engine, flowId: string): Promise<boolean> {
  const counts = await api.queue(flowId).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  return Object.values(counts).every((n) => n === 0);
}
