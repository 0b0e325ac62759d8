/**
 * The engine's Prometheus counts, kept in Redis so that every process's `/metrics` reports the
 * same totals whichever process ran the work. The tracer counts each trace event as it emits it
 * (one script call, sent just before the event is published on the same connection, so whoever
 * sees an event published finds it counted already).
 *
 * One hash per flow (`keys.metrics(flowId)`, in the flow's hash tag), fields:
 *   `<counter>|<nodeId>`           processed, failed, retried, deadLettered, skipped
 *   `type|<nodeId>`                the node's type (a label)
 *   `d|<outcome>|<nodeId>|<i>`     executions (outcome `completed` or `failed`) whose duration fell
 *                                  in bucket i of DURATION_BUCKETS_SEC (not cumulative; i = the
 *                                  number of buckets for +Inf)
 *   `dms|<outcome>|<nodeId>`       the sum of those durations, in ms
 *   `runs|started`, `runs|completed`, `runs|failed`
 * Node ids are safe ids (no `|`). Bounded twice: the TTL is refreshed on every write (an idle
 * flow's counts go), and a hash that reaches `maxFields` (node ids churned over many revisions)
 * starts again from zero — a counter reset, which Prometheus' `rate()` handles.
 *
 * At-least-once shows here too: a delivery re-run after a crash emits (and counts) its events again.
 */
import type { Redis } from 'ioredis';
import type { TraceEvent } from '../../flows/trace-events';
import type { Keys } from '../keys';
import { LuaScript, pipelineResults } from './script';

/** Upper bounds (seconds) of the node-duration histogram's buckets. */
export const DURATION_BUCKETS_SEC: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export const NODE_COUNTERS = ['processed', 'failed', 'retried', 'deadLettered', 'skipped'] as const;
export type NodeCounter = (typeof NODE_COUNTERS)[number];

export type DurationOutcome = 'completed' | 'failed';

export interface DurationCounts {
  /** Executions per bucket, not cumulative; the last entry is +Inf. */
  buckets: number[];
  sumMs: number;
}

export interface NodeMetrics extends Record<NodeCounter, number> {
  /** The node's type ('' if unknown). */
  type: string;
  durations: Record<DurationOutcome, DurationCounts>;
}

export interface FlowMetrics {
  nodes: Map<string, NodeMetrics>;
  runs: { started: number; completed: number; failed: number };
}

export interface MetricsRetention {
  /** Lifetime of a flow's counts after their last change. Default 30 days. */
  ttlSec: number;
  /** Fields one flow's hash may reach before it starts again from zero. Default 100 000. */
  maxFields: number;
}

export const DEFAULT_METRICS_RETENTION: MetricsRetention = { ttlSec: 30 * 86_400, maxFields: 100_000 };

/**
 * Input:
 *   KEYS[1] the flow's metrics hash
 *   ARGV[1] TTL (s)   ARGV[2] max fields   ARGV[3] type field or ''   ARGV[4] node type
 *   ARGV[5..] field, increment, field, increment, …
 *
 * Output: 1
 */
const RECORD = new LuaScript(
  'recordMetrics',
  `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], ARGV[3], ARGV[4]) end
for i = 5, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`,
);

/** Index of the bucket a duration falls in (the last index is +Inf). */
export function bucketOf(durationMs: number): number {
  const sec = durationMs / 1000;
  const i = DURATION_BUCKETS_SEC.findIndex((le) => sec <= le);
  return i === -1 ? DURATION_BUCKETS_SEC.length : i;
}

const durationFields = (outcome: DurationOutcome, nodeId: string, durationMs: number): Array<string | number> => {
  const ms = Math.max(0, Math.round(durationMs));
  return [`d|${outcome}|${nodeId}|${bucketOf(ms)}`, 1, `dms|${outcome}|${nodeId}`, ms];
};

/** What one event adds: increments (field, n, field, n, …); undefined when it counts nowhere. */
export function incrementsOf(event: TraceEvent): Array<string | number> | undefined {
  switch (event.type) {
    case 'node:completed':
      return [`processed|${event.data.nodeId}`, 1, ...durationFields('completed', event.data.nodeId, event.data.durationMs)];
    case 'node:failed':
      return [`failed|${event.data.nodeId}`, 1, ...durationFields('failed', event.data.nodeId, event.data.durationMs)];
    case 'node:retrying':
      return [`retried|${event.data.nodeId}`, 1];
    case 'node:dead-lettered':
      return [`deadLettered|${event.data.nodeId}`, 1];
    case 'node:skipped':
      return [`skipped|${event.data.nodeId}`, 1];
    case 'run:started':
      return ['runs|started', 1];
    case 'run:finished':
      return [`runs|${event.data.status}`, 1];
    default:
      return undefined;
  }
}

const emptyNode = (): NodeMetrics => ({
  type: '',
  processed: 0,
  failed: 0,
  retried: 0,
  deadLettered: 0,
  skipped: 0,
  durations: {
    completed: { buckets: new Array<number>(DURATION_BUCKETS_SEC.length + 1).fill(0), sumMs: 0 },
    failed: { buckets: new Array<number>(DURATION_BUCKETS_SEC.length + 1).fill(0), sumMs: 0 },
  },
});

const isCounter = (name: string): name is NodeCounter => (NODE_COUNTERS as readonly string[]).includes(name);
const isOutcome = (name: string | undefined): name is DurationOutcome => name === 'completed' || name === 'failed';

/** Parses one flow's hash (see the module doc); fields it doesn't know are ignored. */
export function parseFlowMetrics(hash: Record<string, string>): FlowMetrics {
  const nodes = new Map<string, NodeMetrics>();
  const runs = { started: 0, completed: 0, failed: 0 };
  const node = (id: string) => {
    let m = nodes.get(id);
    if (!m) nodes.set(id, (m = emptyNode()));
    return m;
  };
  for (const [field, value] of Object.entries(hash)) {
    const parts = field.split('|');
    const [kind, a, b, c] = parts;
    const n = Number(value);
    if (kind === 'runs' && parts.length === 2 && (a === 'started' || a === 'completed' || a === 'failed')) runs[a] = n;
    else if (kind === 'type' && parts.length === 2 && a) node(a).type = value;
    else if (kind && isCounter(kind) && parts.length === 2 && a) node(a)[kind] = n;
    else if (kind === 'dms' && parts.length === 3 && isOutcome(a) && b) node(b).durations[a].sumMs = n;
    else if (kind === 'd' && parts.length === 4 && isOutcome(a) && b) {
      const i = Number(c);
      const buckets = node(b).durations[a].buckets;
      if (Number.isInteger(i) && i >= 0 && i < buckets.length) buckets[i] = n;
    }
  }
  return { nodes, runs };
}

export class MetricsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retention: MetricsRetention = DEFAULT_METRICS_RETENTION,
  ) {}

  /** Counts one trace event (one script call); events that count nowhere cost nothing. */
  async record(event: TraceEvent): Promise<void> {
    const increments = incrementsOf(event);
    if (!increments) return;
    const typed = 'nodeType' in event.data ? event.data : undefined;
    await RECORD.run(
      this.redis,
      [this.keys.metrics(event.data.flowId)],
      [this.retention.ttlSec, this.retention.maxFields, typed ? `type|${typed.nodeId}` : '', typed?.nodeType ?? '', ...increments],
    );
  }

  /** The counts of the given flows, in one round trip. */
  async read(flowIds: readonly string[]): Promise<Map<string, FlowMetrics>> {
    if (flowIds.length === 0) return new Map();
    const pipeline = this.redis.pipeline();
    for (const flowId of flowIds) pipeline.hgetall(this.keys.metrics(flowId));
    const hashes = pipelineResults(await pipeline.exec(), 'reading metrics') as Array<Record<string, string>>;
    return new Map(flowIds.map((flowId, i) => [flowId, parseFlowMetrics(hashes[i] ?? {})]));
  }
}
