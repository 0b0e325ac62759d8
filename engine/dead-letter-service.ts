/**
 * Dead letters as users handle them: list, inspect, replay (optionally with an edited payload)
 * into the node with the same id in the currently deployed revision, or discard. Replay enqueues
 * before it removes the letter, so a crash in between can at worst leave a letter that was
 * already replayed — never lose one.
 */
import type { Job } from 'bullmq';
import type { TraceError } from '../flows/trace-events';
import { deliveryJob, type Delivery, type DeliveryJob } from './delivery';
import { nodeOf, type Plan } from './plan';
import type { Retention } from './retention';
import type { DeadLetter, DeadLetterStore } from './stores/dead-letters';
import type { RunStore } from './stores/runs';
import type { ReplayResult } from '../contracts/api/dead-letters';

/** The dead letter of a delivery job that failed for good: what was delivered, where, and why. */
export function deadLetterOf(job: Job<Delivery>, failure: { nodeType: string; error: TraceError; attempts: number; failedAt: number }): DeadLetter {
  const { message, revision, node, port } = job.data;
  return {
    id: job.id!,
    flowId: message.meta.flowId,
    revision,
    ...(job.data.deployment !== undefined && { deployment: job.data.deployment }),
    nodeId: node,
    nodeType: failure.nodeType,
    port,
    message,
    error: failure.error,
    attempts: failure.attempts,
    firstAttemptAt: job.processedOn ?? job.timestamp,
    failedAt: failure.failedAt,
    replays: job.data.replay ?? 0,
  };
}

export class DeadLetterNotFoundError extends Error {
  override readonly name = 'DeadLetterNotFoundError';
}

/** The letter's payload was kept truncated: replaying it as kept would run a broken message. */
export class ReplayTruncatedError extends Error {
  override readonly name = 'ReplayTruncatedError';
}

/** Replay is impossible as asked: the flow isn't deployed, or its node or port is gone. */
export class ReplayConflictError extends Error {
  override readonly name = 'ReplayConflictError';
}

export interface DeadLetterServiceDeps {
  store: DeadLetterStore;
  runs: RunStore;
  retention: Retention;
  currentPlan(flowId: string): Promise<Plan | undefined>;
  enqueue(flowId: string, jobs: DeliveryJob[]): Promise<void>;
  /** The flow's backlog, as back-pressure measures it: replay-all fills it no further than its bound. */
  backlog(flowId: string): Promise<number>;
}

export type { ReplayResult } from '../contracts/api/dead-letters';

/** Letters replay-all reads and replays per step, between looks at the backlog. */
const REPLAY_BATCH = 100;

export class DeadLetterService {
  constructor(private readonly deps: DeadLetterServiceDeps) {}

  list(flowId: string, query: { offset?: number; limit?: number; nodeId?: string } = {}) {
    return this.deps.store.list(flowId, { offset: query.offset ?? 0, limit: query.limit ?? 50, ...(query.nodeId !== undefined && { nodeId: query.nodeId }) });
  }

  get(flowId: string, id: string): Promise<DeadLetter | undefined> {
    return this.deps.store.get(flowId, id);
  }

  /** Letters held now, per node id. */
  heldByNode(flowId: string): Promise<Map<string, number>> {
    return this.deps.store.countByNode(flowId);
  }

  add(letter: DeadLetter): Promise<boolean> {
    return this.deps.store.add(letter);
  }

  count(flowId: string): Promise<number> {
    return this.deps.store.count(flowId);
  }

  async replay(flowId: string, id: string, edit?: { payload: unknown }): Promise<ReplayResult> {
    const letter = await this.deps.store.get(flowId, id);
    if (!letter) throw new DeadLetterNotFoundError(`no dead letter "${id}" in flow "${flowId}"`);
    if (letter.truncated && !edit) {
      throw new ReplayTruncatedError(`dead letter "${id}" kept only the start of its ${letter.truncated.originalBytes}-byte payload; replay it with an edited payload`);
    }
    const plan = await this.deps.currentPlan(flowId);
    if (!plan) throw new ReplayConflictError(`flow "${flowId}" is not deployed; deploy it to replay`);
    const node = nodeOf(plan, letter.nodeId);
    if (!node) throw new ReplayConflictError(`node "${letter.nodeId}" is not in the deployed revision ${plan.revision}`);
    const message = {
      ...letter.message,
      payload: edit ? edit.payload : letter.message.payload,
      meta: { ...letter.message.meta, revision: plan.revision },
    };
    const job = deliveryJob(plan, { node: node.id, port: letter.port }, message, this.deps.retention, letter.replays + 1);
    // The token makes the reopen count once even when this replay is retried.
    await this.deps.runs.reopen(flowId, message.runId, 1, { token: job.opts.jobId, revision: plan.revision });
    await this.deps.enqueue(flowId, [job]);
    await this.deps.store.remove(flowId, id);
    return { id, jobId: job.opts.jobId, runId: message.runId, revision: plan.revision };
  }

  discard(flowId: string, id: string): Promise<boolean> {
    return this.deps.store.remove(flowId, id);
  }

  /**
   * Replays the letters (of one node, when given), oldest first, in batches, as far as the flow's
   * backlog bound leaves room: a hundred thousand letters are not enqueued in one request, and
   * replaying never shuts the flow's intake. Returns what was replayed, what couldn't be, and how
   * many letters remain (call again once the backlog went down). Throws ReplayConflictError when
   * the flow isn't deployed.
   */
  async replayAll(flowId: string, filter: { nodeId?: string } = {}) {
    const plan = await this.deps.currentPlan(flowId);
    if (!plan) throw new ReplayConflictError(`flow "${flowId}" is not deployed; deploy it to replay`);
    const replayed: ReplayResult[] = [];
    const refused: Array<{ id: string; reason: string }> = [];
    for (;;) {
      const room = plan.backlogLimit - (await this.deps.backlog(flowId));
      if (room <= 0) break;
      // Refused letters stay, oldest first: skip past them.
      const ids = await this.deps.store.ids(flowId, { ...filter, offset: refused.length, limit: Math.min(room, REPLAY_BATCH) });
      if (ids.length === 0) break;
      for (const id of ids) {
        try {
          replayed.push(await this.replay(flowId, id));
        } catch (error) {
          if (error instanceof DeadLetterNotFoundError) continue; // discarded or expired meanwhile
          refused.push({ id, reason: (error as Error).message });
        }
      }
    }
    const remaining = (await this.deps.store.ids(flowId, { ...filter, offset: refused.length })).length;
    return { replayed, refused, remaining };
  }

  async discardAll(flowId: string, filter: { nodeId?: string } = {}): Promise<number> {
    let n = 0;
    for (const id of await this.deps.store.ids(flowId, filter)) if (await this.deps.store.remove(flowId, id)) n++;
    return n;
  }
}
