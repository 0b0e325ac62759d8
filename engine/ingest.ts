/**
 * How messages enter a deployed flow from outside (an intake's request, a manual trigger): the
 * run is recorded, the source delivery durably enqueued, and only then acknowledged. Under
 * back-pressure — the flow's backlog past its bound — ingest refuses with a retry hint instead of
 * queueing without limit.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Message } from '../nodes/runtime';
import type { SourceKind } from '../nodes/source-contract';
import { deliveryJob, type Delivery } from './delivery';
import type { Keys } from './keys';
import { keyHash, sourceMessageId } from './message-id';
import { nodeOf, type Plan } from './plan';
import type { Retention } from './retention';
import { sourceOf, type SourceRegistry } from './source-nodes';
import type { RunStore } from './stores/runs';
import type { Tracer } from './tracer';

/** The port a source delivery arrives on (sources have no input ports of their own). */
export const TRIGGER_PORT = 'trigger';

export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
  constructor(
    readonly flowId: string,
    readonly backlog: number,
    readonly limit: number,
    readonly retryAfterSec: number,
  ) {
    super(`flow "${flowId}" has ${backlog} messages waiting (limit ${limit}); retry in ${retryAfterSec} s`);
  }
}

/**
 * Redis is unreachable: intake refuses at once, so that its caller (a webhook client) gets 503
 * with Retry-After and retries, instead of a request held open for as long as the outage lasts.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly retryAfterSec = 1;
}

export class NotDeployedError extends Error {
  override readonly name = 'NotDeployedError';
}

export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
}

export interface IngestRequest {
  nodeId: string;
  payload: unknown;
  attrs?: Record<string, unknown>;
  /** A caller's idempotency key (e.g. the `Idempotency-Key` header): a repeat returns the first run. */
  idempotencyKey?: string;
  /** The kind of source that may receive this ingest (`intake` for requests, `trigger` by hand). */
  kind: Extract<SourceKind, 'intake' | 'trigger'>;
}

export interface IngestResult {
  runId: string;
  duplicate: boolean;
}

export interface IngestDeps {
  redis: Redis;
  keys: Keys;
  runs: RunStore;
  tracer: Tracer;
  retention: Retention;
  sources: SourceRegistry;
  backlog(flowId: string): Promise<number>;
  queue(flowId: string): Queue<Delivery>;
}

const MIN_RETRY_AFTER_SEC = 1;

export async function ingest(deps: IngestDeps, plan: Plan, request: IngestRequest): Promise<IngestResult> {
  const node = nodeOf(plan, request.nodeId);
  if (!node || !sourceOf(deps.sources, node, request.kind)) {
    throw new UnknownSourceError(`flow "${plan.flowId}" has no ${request.kind} node "${request.nodeId}"`);
  }
  const ingestedKey = request.idempotencyKey === undefined ? undefined : deps.keys.ingested(plan.flowId, node.id, keyHash(request.idempotencyKey));
  if (ingestedKey) {
    const earlier = await deps.redis.get(ingestedKey);
    if (earlier !== null) return { runId: earlier, duplicate: true };
  }
  const backlog = await deps.backlog(plan.flowId);
  if (backlog >= plan.backlogLimit) {
    throw new BackpressureError(plan.flowId, backlog, plan.backlogLimit, Math.max(MIN_RETRY_AFTER_SEC, Math.ceil(backlog / plan.backlogLimit)));
  }
  const id = sourceMessageId(plan.flowId, node.id, request.idempotencyKey);
  await startSourceRun(deps, plan, node.id, { id, payload: request.payload ?? null, ...(request.attrs && { attrs: request.attrs }) });
  // Marked only once enqueued: a crash before this line makes the caller's retry enqueue the
  // same job id again (a no-op), never lose the message behind a "seen it" marker.
  if (ingestedKey) {
    const ttl = node.policy.idempotency?.ttlSec ?? deps.retention.idempotencySec;
    const won = await deps.redis.set(ingestedKey, id, 'EX', ttl, 'NX');
    if (won === null) return { runId: (await deps.redis.get(ingestedKey)) ?? id, duplicate: true };
  }
  return { runId: id, duplicate: false };
}

/**
 * Starts the run of source message `source.id` at source node `nodeId`: records the run, durably
 * enqueues the source delivery (on {@link TRIGGER_PORT}), and traces `run:started` the first
 * time. Idempotent — the run and the job id both derive from the message id — so a caller that
 * crashed half-way simply calls it again. Returns whether this call started the run.
 * Shared by intake and triggers, the ticks of timetables (engine/sources.ts) and subscriptions.
 */
export async function startSourceRun(
  deps: Pick<IngestDeps, 'runs' | 'tracer' | 'retention' | 'queue'>,
  plan: Plan,
  nodeId: string,
  source: { id: string; payload: unknown; attrs?: Record<string, unknown> },
): Promise<boolean> {
  const { id } = source;
  const startedAt = Date.now();
  const message: Message = {
    id,
    runId: id,
    payload: source.payload,
    meta: { flowId: plan.flowId, revision: plan.revision, port: TRIGGER_PORT, startedAt, ...(source.attrs && { attrs: source.attrs }) },
  };
  const first = await deps.runs.startRun(plan.flowId, { runId: id, revision: plan.revision, nodeId, messageId: id, startedAt });
  const job = deliveryJob(plan, { node: nodeId, port: TRIGGER_PORT }, message, deps.retention);
  await deps.queue(plan.flowId).add(job.name, job.data, job.opts);
  if (first) {
    await deps.tracer.emit('run:started', { flowId: plan.flowId, revision: plan.revision, runId: id, at: startedAt, messageId: id, nodeId, input: deps.tracer.preview(message.payload) });
  }
  return first;
}
