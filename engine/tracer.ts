/**
 * Emits trace events: stored with their run and published through Redis (RunStore), so any
 * server process can relay them. Payloads only ever leave as bounded previews with every known
 * secret redacted.
 */
import { makePreview, type Preview } from '../flows/preview';
import type { TraceEvent, TraceEventName, TraceEvents } from '../flows/trace-events';
import type { MetricsStore } from './stores/metrics';
import type { RunStore, RunSummary } from './stores/runs';

const SECRETS_REFRESH_MS = 5_000;

export class Tracer {
  #secrets: readonly string[] = [];
  #secretsAt = 0;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly runs: RunStore,
    private readonly secretValues: () => Promise<string[]>,
    private readonly metrics?: Pick<MetricsStore, 'record'>,
  ) {}

  async emit<K extends TraceEventName>(type: K, data: TraceEvents[K]): Promise<void> {
    const event = { type, data } as TraceEvent;
    // Both leave now on the same connection, the count first: an event seen published is counted.
    // Metrics are best-effort; they never fail a delivery.
    const counted = this.metrics?.record(event).catch(() => undefined);
    await this.runs.recordEvent(event);
    await counted;
  }

  /** The one `run:finished` event of a run, from the summary its last settle returned. */
  runFinished(flowId: string, s: RunSummary): Promise<void> {
    const now = Date.now();
    return this.emit('run:finished', {
      flowId,
      revision: s.revision,
      runId: s.runId,
      at: now,
      status: s.status === 'completed' ? 'completed' : 'failed',
      durationMs: (s.finishedAt ?? now) - s.startedAt,
      counts: { completed: s.completed, failed: s.failed, deadLettered: s.deadLettered, skipped: s.skipped },
    });
  }

  /** A preview redacted with the secrets known a few seconds ago at most. */
  preview(value: unknown): Preview {
    if (Date.now() - this.#secretsAt > SECRETS_REFRESH_MS) void this.refreshSecrets();
    return makePreview(value, { secrets: this.#secrets });
  }

  /** Loads the current secret values (awaited at start so the first preview is redacted too). */
  refreshSecrets(): Promise<void> {
    this.#refreshing ??= this.secretValues()
      .then((values) => {
        this.#secrets = values;
        this.#secretsAt = Date.now();
      })
      .catch(() => undefined)
      .finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }
}
