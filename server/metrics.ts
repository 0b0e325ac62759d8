/**
 * `GET /metrics`: the engine's counts in the Prometheus text format, through a prom-client
 * registry of this server.
 *
 * The counts live in Redis (engine/stores/metrics.ts), written by whichever process ran the
 * work, so every server process reports the same totals — scrape any one of them, or all
 * (then aggregate with `max`, not `sum`). A scrape reads the hashes of the deployed flows in
 * one round trip and each flow's backlog from its queue; the collectors then render that
 * snapshot. Flows that aren't deployed are left out.
 *
 * Metrics (labels: `flow`, `node`, `type` = node type):
 * - tributary_node_processed_total, _failed_total (failed attempts, retried or not),
 *   _retried_total, _dead_lettered_total, _skipped_total (duplicates)
 * - tributary_node_duration_seconds histogram, by `outcome` (completed | failed)
 * - tributary_runs_started_total{flow}, tributary_runs_finished_total{flow,status}
 * - tributary_flow_backlog{flow} (waiting + delayed deliveries), tributary_flow_deployed_revision{flow}
 * - tributary_source_lag{flow,node,topic,partition}: a subscription source's lag (a Kafka
 *   consumer's), as its members last told it (engine/subscriptions.ts, every few seconds)
 */
import { Counter, Gauge, Histogram, Registry, type HistogramConfiguration, type MetricType } from 'prom-client';
import type { Engine } from '../engine/engine';
import { DURATION_BUCKETS_SEC, MetricsStore, type DurationOutcome, type FlowMetrics, type NodeCounter, type NodeMetrics } from '../engine/stores/metrics';

interface Snapshot {
  flows: Map<string, { revision: number; backlog: number; metrics: FlowMetrics }>;
  /** `flow`, `node`, `topic`, `partition` labels → lag. */
  lag: Map<string, { labels: Record<LagLabel, string>; lag: number }>;
}

const EMPTY: Snapshot = { flows: new Map(), lag: new Map() };

type LagLabel = 'flow' | 'node' | 'topic' | 'partition';

type NodeLabel = 'flow' | 'node' | 'type';
type DurationLabel = NodeLabel | 'outcome';

interface HistogramSeries {
  labels: Record<DurationLabel, string>;
  /** Per bucket, not cumulative; the last is +Inf. */
  buckets: readonly number[];
  sum: number;
}

/**
 * A histogram whose buckets are counted elsewhere (in Redis) and only rendered here: prom-client
 * has no way to set a histogram's counts, so `get` builds the series itself.
 */
class StoredHistogram extends Histogram<DurationLabel> {
  constructor(
    config: HistogramConfiguration<DurationLabel>,
    private readonly series: () => HistogramSeries[],
  ) {
    super(config);
  }

  override async get() {
    const values = this.series().flatMap(({ labels, buckets, sum }) => {
      let cumulative = 0;
      const out: Array<{ value: number; labels: Record<string, string | number>; metricName: string }> = DURATION_BUCKETS_SEC.map((le, i) => {
        cumulative += buckets[i] ?? 0;
        return { value: cumulative, labels: { ...labels, le }, metricName: 'tributary_node_duration_seconds_bucket' };
      });
      cumulative += buckets[DURATION_BUCKETS_SEC.length] ?? 0;
      out.push(
        { value: cumulative, labels: { ...labels, le: '+Inf' }, metricName: 'tributary_node_duration_seconds_bucket' },
        { value: sum, labels, metricName: 'tributary_node_duration_seconds_sum' },
        { value: cumulative, labels, metricName: 'tributary_node_duration_seconds_count' },
      );
      return out;
    });
    // prom-client's typings declare MetricType a numeric enum; its runtime and the format use the name.
    return { name: 'tributary_node_duration_seconds', help: HISTOGRAM_HELP, type: 'histogram' as unknown as MetricType, aggregator: 'sum' as const, collect: () => undefined, values };
  }

  /** What the registry renders from (prom-client prefers it to `get`). */
  getForPromString() {
    return this.get();
  }
}

const HISTOGRAM_HELP = 'How long node executions took, by outcome (completed or failed attempt)';

const NODE_COUNTER_METRICS: ReadonlyArray<{ counter: NodeCounter; name: string; help: string }> = [
  { counter: 'processed', name: 'tributary_node_processed_total', help: 'Node executions that completed' },
  { counter: 'failed', name: 'tributary_node_failed_total', help: 'Node attempts that failed (retried or not)' },
  { counter: 'retried', name: 'tributary_node_retried_total', help: 'Node deliveries scheduled for another attempt' },
  { counter: 'deadLettered', name: 'tributary_node_dead_lettered_total', help: 'Messages a node put in the dead letters' },
  { counter: 'skipped', name: 'tributary_node_skipped_total', help: 'Node deliveries skipped as duplicates (idempotency key seen)' },
];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #store: MetricsStore;
  #snapshot: Snapshot = EMPTY;
  #scraping: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: Engine) {
    this.#store = new MetricsStore(engine.redis, engine.keys);
    const registers = [this.registry];
    const snapshot = () => this.#snapshot;
    const eachNode = (visit: (labels: Record<NodeLabel, string>, node: NodeMetrics) => void) => {
      for (const [flow, { metrics }] of snapshot().flows) for (const [node, m] of metrics.nodes) visit({ flow, node, type: m.type }, m);
    };

    for (const { counter, name, help } of NODE_COUNTER_METRICS) {
      new Counter<NodeLabel>({
        name,
        help,
        labelNames: ['flow', 'node', 'type'],
        registers,
        collect() {
          this.reset();
          eachNode((labels, m) => this.inc(labels, m[counter]));
        },
      });
    }
    new StoredHistogram(
      { name: 'tributary_node_duration_seconds', help: HISTOGRAM_HELP, labelNames: ['flow', 'node', 'type', 'outcome'], buckets: [...DURATION_BUCKETS_SEC], registers },
      () => {
        const series: HistogramSeries[] = [];
        eachNode((labels, m) => {
          for (const outcome of ['completed', 'failed'] as DurationOutcome[]) {
            const d = m.durations[outcome];
            if (d.buckets.some((n) => n > 0)) series.push({ labels: { ...labels, outcome }, buckets: d.buckets, sum: d.sumMs / 1000 });
          }
        });
        return series;
      },
    );
    new Counter<'flow'>({
      name: 'tributary_runs_started_total',
      help: 'Runs started (one per message a source emitted)',
      labelNames: ['flow'],
      registers,
      collect() {
        this.reset();
        for (const [flow, { metrics }] of snapshot().flows) this.inc({ flow }, metrics.runs.started);
      },
    });
    new Counter<'flow' | 'status'>({
      name: 'tributary_runs_finished_total',
      help: 'Runs finished, by status (completed, or failed when any delivery failed for good)',
      labelNames: ['flow', 'status'],
      registers,
      collect() {
        this.reset();
        for (const [flow, { metrics }] of snapshot().flows) {
          this.inc({ flow, status: 'completed' }, metrics.runs.completed);
          this.inc({ flow, status: 'failed' }, metrics.runs.failed);
        }
      },
    });
    new Gauge<'flow'>({
      name: 'tributary_flow_backlog',
      help: 'Deliveries of a deployed flow waiting to run (waiting, delayed, prioritized): what back-pressure measures',
      labelNames: ['flow'],
      registers,
      collect() {
        this.reset();
        for (const [flow, { backlog }] of snapshot().flows) this.set({ flow }, backlog);
      },
    });
    new Gauge<LagLabel>({
      name: 'tributary_source_lag',
      help: 'Messages a subscription source (a Kafka consumer) has yet to read, per partition',
      labelNames: ['flow', 'node', 'topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const { labels, lag } of snapshot().lag.values()) this.set(labels, lag);
      },
    });
    new Gauge<'flow'>({
      name: 'tributary_flow_deployed_revision',
      help: 'The revision a flow is deployed at',
      labelNames: ['flow'],
      registers,
      collect() {
        this.reset();
        for (const [flow, { revision }] of snapshot().flows) this.set({ flow }, revision);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Reads the shared counts and renders them. Scrapes run one at a time (one snapshot each). */
  scrape(): Promise<string> {
    const next = this.#scraping.then(async () => {
      this.#snapshot = await this.#load();
      try {
        return await this.registry.metrics();
      } finally {
        this.#snapshot = EMPTY;
      }
    });
    this.#scraping = next.catch(() => undefined);
    return next;
  }

  async #load(): Promise<Snapshot> {
    const deployed = await this.engine.deployed();
    const flowIds = [...deployed.keys()];
    const [metrics, backlogs, sources] = await Promise.all([
      this.#store.read(flowIds),
      Promise.all(flowIds.map((id) => this.engine.backlog(id))),
      Promise.all(flowIds.map((id) => this.engine.sourceStatus(id))),
    ]);
    const flows: Snapshot['flows'] = new Map();
    const lag: Snapshot['lag'] = new Map();
    flowIds.forEach((flowId, i) => {
      flows.set(flowId, { revision: deployed.get(flowId) ?? 0, backlog: backlogs[i] ?? 0, metrics: metrics.get(flowId) ?? { nodes: new Map(), runs: { started: 0, completed: 0, failed: 0 } } });
      for (const member of sources[i] ?? []) {
        for (const p of member.lag ?? []) {
          const labels = { flow: flowId, node: member.nodeId, topic: p.topic, partition: String(p.partition) };
          const id = JSON.stringify(labels);
          // Two members may both tell a partition for a moment (a rebalance): the larger lag holds.
          lag.set(id, { labels, lag: Math.max(p.lag, lag.get(id)?.lag ?? 0) });
        }
      }
    });
    return { flows, lag };
  }
}
