/**
 * The one BullMQ processor: runs a delivery through its node's runtime under the node's policy.
 *
 * Order of a delivery, and why:
 * 1. settled already? → nothing to do (a re-run after a crash that happened after the end);
 * 2. idempotency key claimed, atomically, with a lease (stores/idempotency.ts): already processed?
 *    → skipped, traced; being run by another delivery? → wait (delayed, no attempt used) and look
 *    again; the lease is released whenever the node does not complete (SETTLE then sets the marker);
 * 3. circuit open? → wait (delayed, no attempt used);
 * 4. run with a timeout;
 * 5. keyed outputs (`Emission.key`) claimed, those another job sent dropped as duplicates;
 *    reserve the outputs in the run's count, enqueue them (deterministic job ids), settle.
 * A crash anywhere before 5 completes means BullMQ runs the delivery again; every step of 5 is
 * idempotent, so outputs are enqueued once and the run is counted once.
 * Sources (engine/sources.ts): a tick job is no delivery and is handed over before step 1; a
 * source's own timer delivery (an http-poll's next page) is dropped once the flow is undeployed
 * and waits, delayed, while the flow's backlog is at its bound.
 * Failures: transient ones are retried by BullMQ with the policy's backoff; when a failure is
 * final, the node's onError policy applies (dead letter, `error` port, or drop) and the job
 * itself completes — nothing is left for BullMQ to forget.
 */
import { DelayedError, type Job } from 'bullmq';
import { TIMER_PORT, type Emission, type NodeRuntime } from '../nodes/runtime';
import { MAX_TRACE_OUTPUTS } from '../flows/trace-events';
import { retryDelay, RetryLater } from './backoff';
import { classify, NodeTimeoutError, type Failure } from './classify';
import { createNodeContext, type ContextParts } from './context';
import { deliveriesOf, emissionIds, type Delivery, type DeliveryJob } from './delivery';
import { keyHash } from './message-id';
import { deploymentOf, nodeOf, type Plan, type PlanNode } from './plan';
import { cachedExpression, type LoadedPlan, type PlanStore } from './plans';
import { bindingsOf } from '../nodes/shared/bindings';
import type { Retention } from './retention';
import type { CircuitBreakers } from './stores/circuit-breaker';
import type { DeadLetterStore } from './stores/dead-letters';
import { deadLetterOf } from './dead-letter-service';
import type { RunStore } from './stores/runs';
import type { Tracer } from './tracer';
import { isTickJob, type Timetables, type TickOutcome } from './sources';
import { KeyedEmissions } from './stores/keyed-emissions';
import { IdempotencyClaims } from './stores/idempotency';

/**
 * An idempotency lease outlives the node's timeout by this much: the outputs are enqueued and
 * the delivery settled after the node returns. A holder that crashed frees the key when it ends.
 */
const LEASE_MARGIN_MS = 30_000;
/** How often a delivery whose key another holds looks again, at most. */
const HELD_RECHECK_MS = 1_000;

export interface ProcessorDeps {
  plans: PlanStore;
  runtimes: ReadonlyMap<string, NodeRuntime<any>>;
  runs: RunStore;
  deadLetters: DeadLetterStore;
  breakers: CircuitBreakers;
  tracer: Tracer;
  retention: Retention;
  context: ContextParts;
  /** Adds delivery jobs to the flow's queue (BullMQ addBulk: one round trip, ids deduplicated). */
  enqueue(flowId: string, jobs: DeliveryJob[]): Promise<void>;
  /** Ticks of timetable sources, and back-pressure on sources' continuations (engine/sources.ts). */
  sources?: Pick<Timetables, 'handle' | 'continuation'>;
}

/** Runs `work` but gives up after `timeoutMs`, aborting the signal the node was given. */
async function withTimeout<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new NodeTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createProcessor(deps: ProcessorDeps) {
  const { runs, tracer } = deps;
  const keyed = new KeyedEmissions(deps.context.redis, deps.context.keys, deps.retention);
  const claims = new IdempotencyClaims(deps.context.redis, deps.context.keys);

  /** Ends a delivery: its outputs counted into the run, enqueued, and the delivery settled. */
  async function finish(
    plan: Plan,
    job: Job<Delivery>,
    outputs: DeliveryJob[],
    outcome: 'completed' | 'failed' | 'dead-lettered' | 'skipped' | 'dropped',
    idempotency?: { nodeId: string; keyHash: string; ttlSec: number },
  ): Promise<void> {
    const { message } = job.data;
    if (outputs.length > 0) {
      await runs.reserve(plan.flowId, { jobId: job.id!, runId: message.runId, children: outputs.map((o) => o.opts.jobId) });
      await deps.enqueue(plan.flowId, outputs);
    }
    const settled = await runs.settle(plan.flowId, { jobId: job.id!, runId: message.runId, outcome, enqueued: outputs.length > 0, ...(idempotency && { idempotency }) });
    if (settled.finished) await tracer.runFinished(plan.flowId, settled.finished);
  }

  async function onFinalFailure(loaded: LoadedPlan, node: PlanNode, job: Job<Delivery>, failure: Failure, base: NodeBase, durationMs: number) {
    const { plan } = loaded;
    const { message } = job.data;
    const attempts = base.attempt;
    switch (node.policy.onError) {
      case 'error': {
        await tracer.emit('node:failed', { ...base, at: Date.now(), durationMs, error: failure.error, outcome: 'error-port' });
        const emission: Emission = { port: 'error', payload: { error: failure.error, input: message.payload, node: node.id, attempts } };
        await finish(plan, job, deliveriesOf(plan, node, message, [emission], deps.retention), 'failed');
        return;
      }
      case 'drop':
        await tracer.emit('node:failed', { ...base, at: Date.now(), durationMs, error: failure.error, outcome: 'drop' });
        await finish(plan, job, [], 'dropped');
        return;
      default: {
        await tracer.emit('node:failed', { ...base, at: Date.now(), durationMs, error: failure.error, outcome: 'dead-letter' });
        await deps.deadLetters.add(deadLetterOf(job, { nodeType: node.type, error: failure.error, attempts, failedAt: Date.now() }));
        await tracer.emit('node:dead-lettered', { ...base, at: Date.now(), deadLetterId: job.id!, error: failure.error, attempts });
        await finish(plan, job, [], 'dead-lettered');
      }
    }
  }

  return async function process(job: Job<Delivery>, token?: string): Promise<void | TickOutcome> {
    // A scheduler's tick is no delivery: it starts a run of its source node (engine/sources.ts).
    // What became of it is the tick job's return value, for whoever inspects the queue.
    if (isTickJob(job)) return deps.sources?.handle(job);
    const { message, revision } = job.data;
    const flowId = message.meta.flowId;
    if (await runs.isSettled(flowId, job.id!)) return;
    const loaded = await deps.plans.load(flowId, deploymentOf(job.data));
    const { plan } = loaded;
    const node = nodeOf(plan, job.data.node);
    const runtime = node && deps.runtimes.get(node.type);
    const base: NodeBase = {
      flowId,
      revision,
      runId: message.runId,
      nodeId: job.data.node,
      nodeType: node?.type ?? 'unknown',
      messageId: message.id,
      attempt: job.attemptsMade + 1,
    };
    if (!node || !runtime) {
      const reason = !node ? `node "${job.data.node}" is not in revision ${revision}` : `node type "${node.type}" has no runtime in this build`;
      const failure: Failure = { transient: false, error: { kind: 'permanent', message: reason } };
      await onFinalFailure(loaded, node ?? stubNode(job.data.node), job, failure, base, 0);
      return;
    }
    if (node.disabled) return finish(plan, job, [], 'dropped');
    if (deps.sources && node.category === 'source' && job.data.port === TIMER_PORT) {
      // A source reading on (an http-poll's next page) stops once undeployed, waits under back-pressure.
      const gate = await deps.sources.continuation(plan);
      if (gate.go === 'drop') return finish(plan, job, [], 'dropped');
      if (gate.go === 'wait') {
        await job.moveToDelayed(gate.untilMs, token);
        throw new DelayedError();
      }
    }

    const cache = loaded.nodeCache(node.id);
    let idempotency: { nodeId: string; keyHash: string; ttlSec: number } | undefined;
    let idempotencyKey = `${flowId}:${node.id}:${message.id}`;
    // Steps 3–5, under the idempotency claim when the node has a key.
    const execute = async (): Promise<void> => {
      const breaker = node.policy.circuitBreaker;
      let probe = false;
      if (breaker) {
        const grant = await deps.breakers.acquire(flowId, node.id, breaker);
        if (!grant.allowed) {
          const error = { kind: 'circuit-open' as const, message: `circuit open until ${new Date(grant.retryAt).toISOString()}` };
          await tracer.emit('node:retrying', { ...base, at: Date.now(), error, delayMs: grant.retryAt - Date.now(), nextAttemptAt: grant.retryAt });
          await job.moveToDelayed(grant.retryAt, token);
          throw new DelayedError();
        }
        probe = grant.probe;
      }

      await tracer.emit('node:started', { ...base, at: Date.now(), input: tracer.preview(message.payload) });
      const started = Date.now();
      let emissions: Emission[];
      let noted: { result: unknown } | undefined;
      const note = (result: unknown) => (noted = { result });
      try {
        emissions = await withTimeout(node.policy.timeoutMs, (signal) =>
          runtime.run(
            createNodeContext(deps.context, { flowId, revision, plan, node, runId: message.runId, messageId: message.id, attempt: base.attempt, idempotencyKey, signal, cache, note }),
            message,
          ),
        );
      } catch (error) {
        const failure = classify(error);
        const durationMs = Date.now() - started;
        if (breaker && failure.transient) await deps.breakers.record(flowId, node.id, breaker, { ok: false, probe });
        else if (breaker && probe) await deps.breakers.record(flowId, node.id, breaker, { ok: true, probe });
        const maxAttempts = job.opts.attempts ?? 1;
        if (failure.transient && base.attempt < maxAttempts) {
          const delayMs = Math.max(retryDelay(node.policy.retry.backoff, base.attempt), failure.retryAfterMs ?? 0);
          await tracer.emit('node:failed', { ...base, at: Date.now(), durationMs, error: failure.error, outcome: 'retry' });
          await tracer.emit('node:retrying', { ...base, at: Date.now(), error: failure.error, delayMs, nextAttemptAt: Date.now() + delayMs });
          throw new RetryLater(failure.error.message, delayMs);
        }
        await onFinalFailure(loaded, node, job, failure, base, durationMs);
        return;
      }
      if (breaker) await deps.breakers.record(flowId, node.id, breaker, { ok: true, probe });
      const ids = emissionIds(node, message, emissions);
      let outputs: DeliveryJob[];
      try {
        outputs = deliveriesOf(plan, node, message, emissions, deps.retention, ids);
      } catch (error) {
        await onFinalFailure(loaded, node, job, classify(error), base, Date.now() - started);
        return;
      }
      let sent = emissions.map((e, i) => ({ port: e.port, messageId: ids[i]!, payload: e.payload }));
      if (emissions.some((e) => e.key !== undefined)) {
        // Keyed outputs go downstream once (Emission.key): those another job sent are duplicates.
        const owned = await keyed.claim(flowId, job.id!, ids);
        outputs = firstOwned(outputs, owned, (o) => o.data.message.id, (o) => o.opts.jobId);
        sent = firstOwned(sent, owned, (o) => o.messageId, (o) => o.messageId);
      }
      // Only the first few are previewed: the event stays small however many went downstream.
      const listed = sent.slice(0, MAX_TRACE_OUTPUTS).map(({ port, messageId, payload }) => ({ port, messageId, preview: tracer.preview(payload) }));
      await tracer.emit('node:completed', {
        ...base,
        at: Date.now(),
        durationMs: Date.now() - started,
        outputs: listed,
        ...(sent.length > listed.length && { moreOutputs: sent.length - listed.length }),
        ...(noted && { result: tracer.preview(noted.result) }),
      });
      await finish(plan, job, outputs, 'completed', idempotency);
    };
    if (node.policy.idempotency) {
      const started = Date.now();
      try {
        const key = await cachedExpression(cache, node.policy.idempotency.key).evaluate(message.payload, bindingsOf(message));
        if (key === undefined || key === null || key === '') throw new Error('idempotency key expression gave no value');
        idempotencyKey = typeof key === 'string' ? key : JSON.stringify(key);
      } catch (error) {
        await onFinalFailure(loaded, node, job, { transient: false, error: { kind: 'permanent', message: `idempotency key: ${classify(error).error.message}` } }, base, Date.now() - started);
        return;
      }
      idempotency = { nodeId: node.id, keyHash: keyHash(idempotencyKey), ttlSec: node.policy.idempotency.ttlSec };
      const claim = await claims.claim(flowId, node.id, idempotency.keyHash, job.id!, node.policy.timeoutMs + LEASE_MARGIN_MS);
      if (!claim.claimed && claim.duplicate) {
        await tracer.emit('node:skipped', { ...base, at: Date.now(), reason: 'duplicate', idempotencyKey });
        await finish(plan, job, [], 'skipped');
        return;
      }
      if (!claim.claimed) {
        // Another delivery is running the node under this key: once it ends, this one is a
        // duplicate (it completed) or runs (it failed and released the key).
        await job.moveToDelayed(Date.now() + Math.min(Math.max(claim.heldForMs, 50), HELD_RECHECK_MS), token);
        throw new DelayedError();
      }
      const held = idempotency.keyHash;
      try {
        return await execute();
      } finally {
        // After a completed settle the marker is the job id already, and this changes nothing.
        await claims.release(flowId, node.id, held, job.id!).catch(() => undefined);
      }
    }
    return execute();
  };
}

/** The items whose message this job owns, each delivery once (a key emitted twice in one go). */
function firstOwned<T>(items: T[], owned: ReadonlySet<string>, messageId: (item: T) => string, identity: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (!owned.has(messageId(item)) || seen.has(identity(item))) return false;
    seen.add(identity(item));
    return true;
  });
}

type NodeBase = { flowId: string; revision: number; runId: string; nodeId: string; nodeType: string; messageId: string; attempt: number };

const stubNode = (id: string): PlanNode => ({
  id,
  index: -1,
  type: 'unknown',
  category: 'transform',
  name: id,
  config: {},
  policy: { retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: 0 } }, timeoutMs: 1, onError: 'dead-letter' },
  outputs: {},
  disabled: false,
});
