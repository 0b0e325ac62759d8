/**
 * A job BullMQ failed on its own — it stalled past the limit (a node that blocks its worker), or
 * the engine itself kept failing around it — goes to the dead letters like any final failure, is
 * counted in its run, and is then removed from BullMQ's failed set. Idempotent: the same job
 * handled twice (the event and a sweep) is dead-lettered and counted once.
 */
import type { Job } from 'bullmq';
import type { TraceError } from '../flows/trace-events';
import { deadLetterOf, type DeadLetterService } from './dead-letter-service';
import type { Delivery } from './delivery';
import { deploymentOf, nodeOf } from './plan';
import type { PlanStore } from './plans';
import type { RunStore } from './stores/runs';
import type { Tracer } from './tracer';
import type { Pino } from './logger';
import { isTickJob } from './sources';

export function failedJobHandler(deps: { plans: PlanStore; deadLetters: DeadLetterService; runs: RunStore; tracer: Tracer; log?: Pino }) {
  return async (job: Job<Delivery>, reason: string): Promise<void> => {
    if (isTickJob(job)) {
      // A tick that could not start its run carries no message to dead-letter: that tick is lost.
      deps.log?.warn({ jobId: job.id, err: reason.slice(0, 2_000) }, 'a tick failed to start its run');
      await job.remove().catch(() => undefined);
      return;
    }
    const { message, revision, node: nodeId, port } = job.data;
    const flowId = message.meta.flowId;
    const plan = await deps.plans.load(flowId, deploymentOf(job.data)).then((l) => l.plan).catch(() => undefined);
    const nodeType = (plan && nodeOf(plan, nodeId)?.type) ?? 'unknown';
    const error: TraceError = { kind: /stalled/i.test(reason) ? 'stalled' : 'permanent', message: reason.slice(0, 2_000) };
    const attempts = Math.max(1, job.attemptsMade);
    const base = { flowId, revision, runId: message.runId, nodeId, nodeType, messageId: message.id, attempt: attempts };
    if (!(await deps.runs.isSettled(flowId, job.id!))) {
      const added = await deps.deadLetters.add(deadLetterOf(job, { nodeType, error, attempts, failedAt: job.finishedOn ?? Date.now() }));
      if (added) await deps.tracer.emit('node:dead-lettered', { ...base, at: Date.now(), deadLetterId: job.id!, error, attempts });
      // Whatever it reserved and enqueued before it failed still settles; what it never enqueued is undone.
      const settled = await deps.runs.settle(flowId, { jobId: job.id!, runId: message.runId, outcome: 'dead-lettered', enqueued: false });
      if (settled.finished) await deps.tracer.runFinished(flowId, settled.finished);
    }
    await job.remove().catch(() => undefined);
  };
}
