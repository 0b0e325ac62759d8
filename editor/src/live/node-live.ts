/**
 * Live state of the canvas's nodes, kept apart from the flow document and React Flow's
 * `node.data`: per node, the counts summed from the relay's batches (seeded from the server's
 * counts) and the status colour they give. Adding a batch makes new objects only for the nodes
 * whose counts changed; every other node keeps its object, so only the changed nodes re-render.
 */
import type { NodeCounters } from '../../../flows/live-events';

/** Grey: nothing ran yet; green: ran; amber: failed attempts (retried or routed); red: dead letters. */
export type LiveStatus = 'idle' | 'ok' | 'warn' | 'failing';

export interface NodeLive {
  readonly counts: Readonly<NodeCounters>;
  readonly status: LiveStatus;
}

export type LiveNodes = ReadonlyMap<string, NodeLive>;

export const COUNTER_NAMES = ['started', 'completed', 'failed', 'retried', 'deadLettered', 'skipped'] as const satisfies ReadonlyArray<keyof NodeCounters>;

export const zeroCounters = (): NodeCounters => ({ started: 0, completed: 0, failed: 0, retried: 0, deadLettered: 0, skipped: 0 });

export function statusOf(c: Readonly<NodeCounters>): LiveStatus {
  if (c.deadLettered > 0) return 'failing';
  if (c.failed > 0 || c.retried > 0) return 'warn';
  return c.started > 0 || c.completed > 0 || c.skipped > 0 ? 'ok' : 'idle';
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** The server's counts as the canvas keeps them (values that aren't counts read as 0). */
export function seedNodes(counters: Record<string, Partial<NodeCounters>>): LiveNodes {
  const nodes = new Map<string, NodeLive>();
  for (const [id, c] of Object.entries(counters)) {
    const counts = zeroCounters();
    for (const name of COUNTER_NAMES) counts[name] = count(c[name]);
    nodes.set(id, { counts, status: statusOf(counts) });
  }
  return nodes;
}

/** Sums `more` into `into` (both node id → counts); what batches arriving within one frame become. */
export function mergeCounters(into: Map<string, NodeCounters>, more: Record<string, Partial<NodeCounters>>): void {
  for (const [id, c] of Object.entries(more)) {
    let sum = into.get(id);
    if (!sum) into.set(id, (sum = zeroCounters()));
    for (const name of COUNTER_NAMES) sum[name] += count(c[name]);
  }
}

/**
 * `nodes` with `added` counted in: the same map when nothing changed, otherwise a new map in
 * which only the nodes whose counts rose are new objects. Also says which nodes produced output
 * (their outgoing edges animate).
 */
export function addCounters(nodes: LiveNodes, added: ReadonlyMap<string, NodeCounters>): { nodes: LiveNodes; emitted: string[] } {
  let next: Map<string, NodeLive> | null = null;
  const emitted: string[] = [];
  for (const [id, more] of added) {
    if (!COUNTER_NAMES.some((name) => more[name] > 0)) continue;
    const prev = nodes.get(id)?.counts ?? zeroCounters();
    const counts = zeroCounters();
    for (const name of COUNTER_NAMES) counts[name] = prev[name] + more[name];
    next ??= new Map(nodes);
    next.set(id, { counts, status: statusOf(counts) });
    if (more.completed > 0) emitted.push(id);
  }
  return { nodes: next ?? nodes, emitted };
}
