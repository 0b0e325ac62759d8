/**
 * How messages enter a deployed flow from outside (an intake's request, a manual trigger): the
 * run is recorded, the source delivery durably enqueued, and only then acknowledged. Under
 * back-pressure — the flow's backlog past its bound — ingest refuses with a retry hint instead of
 * queueing without limit.
 */
import { randomUUID } from 'node:crypto';
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

export { RedisUnavailableError } from './redis/fail-fast';

export class NotDeployedError extends Error {
  override readonly name = 'NotDeployedError';
}

export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
}

/**
 * A payload nested deeper than {@link MAX_PAYLOAD_DEPTH}: refused (400) before any run starts.
 * JSON.parse takes any depth, but JSON.stringify, structuredClone and most code that walks a
 * value recurse, so such a payload would fail the first step that stores it — after its run
 * had been recorded, leaving that run "running" for good.
 */
export class PayloadTooDeepError extends Error {
  override readonly name = 'PayloadTooDeepError';
  constructor(readonly maxDepth: number) {
    super(`the payload is nested deeper than ${maxDepth} levels`);
  }
}

/** Nesting a message's payload may have: far past any real document, far below V8's stack. */
export const MAX_PAYLOAD_DEPTH = 512;

/** Throws PayloadTooDeepError past `maxDepth`; walks iteratively, so depth can't overflow it. */
export function assertPayloadDepth(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH): void {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) throw new PayloadTooDeepError(maxDepth);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
  }
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
  /** Throws MemoryPressureError when Redis is too full to take new messages. */
  memory?: { check(): Promise<void> };
}

const MIN_RETRY_AFTER_SEC = 1;

/**
 * An intake marker (keys.ingested) holds the run id once the message is enqueued, and this prefix
 * plus the run id while an ingest claims the key: a crash before enqueueing leaves a claim, which
 * the caller's retry completes instead of being told "duplicate" of a message never enqueued.
 */
const CLAIMING = '~';

export async function ingest(deps: IngestDeps, plan: Plan, request: IngestRequest): Promise<IngestResult> {
  const node = nodeOf(plan, request.nodeId);
  if (!node || !sourceOf(deps.sources, node, request.kind)) {
    throw new UnknownSourceError(`flow "${plan.flowId}" has no ${request.kind} node "${request.nodeId}"`);
  }
  const key = request.idempotencyKey;
  const ingestedKey = key === undefined ? undefined : deps.keys.ingested(plan.flowId, node.id, keyHash(key));
  if (ingestedKey) {
    const earlier = await deps.redis.get(ingestedKey);
    if (earlier !== null && !earlier.startsWith(CLAIMING)) return { runId: earlier, duplicate: true };
  }
  await deps.memory?.check();
  const backlog = await deps.backlog(plan.flowId);
  if (backlog >= plan.backlogLimit) {
    throw new BackpressureError(plan.flowId, backlog, plan.backlogLimit, Math.max(MIN_RETRY_AFTER_SEC, Math.ceil(backlog / plan.backlogLimit)));
  }
  const source = { payload: request.payload ?? null, ...(request.attrs && { attrs: request.attrs }) };
  if (!ingestedKey || key === undefined) {
    const id = sourceMessageId(plan.flowId, node.id);
    await startSourceRun(deps, plan, node.id, { id, ...source });
    return { runId: id, duplicate: false };
  }
  const ttl = node.policy.idempotency?.ttlSec ?? deps.retention.idempotencySec;
  for (;;) {
    // The message id derives from the key AND this marker's generation: once the marker expired,
    // the key is new work with a new id. Derived from the key alone, it hit the first delivery's
    // done marker (which lives much longer) and was acknowledged, then silently dropped.
    const fresh = sourceMessageId(plan.flowId, node.id, `${key}\u0000${randomUUID()}`);
    if ((await deps.redis.set(ingestedKey, `${CLAIMING}${fresh}`, 'EX', ttl, 'NX')) !== null) {
      await startSourceRun(deps, plan, node.id, { id: fresh, ...source });
      await deps.redis.set(ingestedKey, fresh, 'KEEPTTL', 'XX');
      return { runId: fresh, duplicate: false };
    }
    const held = await deps.redis.get(ingestedKey);
    if (held === null) continue; // expired in between: claim again
    if (!held.startsWith(CLAIMING)) return { runId: held, duplicate: true };
    // Claimed, not yet enqueued: that ingest is under way or crashed before enqueueing. Starting
    // the same id again is a no-op if it got there; if not, this caller's message is the one.
    const id = held.slice(CLAIMING.length);
    const first = await startSourceRun(deps, plan, node.id, { id, ...source });
    await deps.redis.set(ingestedKey, id, 'KEEPTTL', 'XX');
    return { runId: id, duplicate: !first };
  }
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
  assertPayloadDepth(source.payload);
  const startedAt = Date.now();
  const message: Message = {
    id,
    runId: id,
    payload: source.payload,
    meta: { flowId: plan.flowId, revision: plan.revision, port: TRIGGER_PORT, startedAt, ...(source.attrs && { attrs: source.attrs }) },
  };
  const first = await deps.runs.startRun(plan.flowId, { runId: id, revision: plan.revision, deployment: plan.deployment, nodeId, messageId: id, startedAt });
  const job = deliveryJob(plan, { node: nodeId, port: TRIGGER_PORT }, message, deps.retention);
  await deps.queue(plan.flowId).add(job.name, job.data, job.opts);
  if (first) {
    await deps.tracer.emit('run:started', { flowId: plan.flowId, revision: plan.revision, runId: id, at: startedAt, messageId: id, nodeId, input: deps.tracer.preview(message.payload) });
  }
  return first;
}
