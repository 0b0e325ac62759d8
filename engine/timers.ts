/**
 * Timers: a node asks to be run again at a given time (a merge's window flush or join timeout).
 * A timer is a delayed delivery to the node itself on TIMER_PORT, with an id derived from the
 * node and the timer's key — so setting it again, say in a re-run after a crash, is a no-op.
 * What a timer's delivery emits starts a run of its own (its id is the timer message's id).
 */
import type { Queue } from 'bullmq';
import { TIMER_PORT, type Message } from '../nodes/runtime';
import { deliveryJob, type Delivery } from './delivery';
import { sourceMessageId } from './message-id';
import type { Plan } from './plan';
import type { Retention } from './retention';
import type { RunStore } from './stores/runs';

export interface TimerDeps {
  runs: RunStore;
  retention: Retention;
  queue(flowId: string): Queue<Delivery>;
  /** Registers a timer job, so that back-pressure does not count it as work waiting (engine/backlog.ts). */
  timer(flowId: string, jobId: string, atMs: number): Promise<void>;
}

export function timersFor(deps: TimerDeps, plan: Plan, nodeId: string) {
  return {
    async set(key: string, atMs: number, payload?: unknown): Promise<void> {
      const id = sourceMessageId(plan.flowId, nodeId, `timer:${key}`);
      const startedAt = Date.now();
      const message: Message = {
        id,
        runId: id,
        payload: null,
        meta: { flowId: plan.flowId, revision: plan.revision, port: TIMER_PORT, startedAt, attrs: { timer: { key, payload: payload ?? null } } },
      };
      await deps.runs.startRun(plan.flowId, { runId: id, revision: plan.revision, deployment: plan.deployment, nodeId, messageId: id, startedAt });
      const job = deliveryJob(plan, { node: nodeId, port: TIMER_PORT }, message, deps.retention);
      await deps.timer(plan.flowId, job.opts.jobId, atMs);
      await deps.queue(plan.flowId).add(job.name, job.data, { ...job.opts, delay: Math.max(0, atMs - Date.now()) });
    },
  };
}
