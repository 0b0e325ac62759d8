/**
 * A delivery is one BullMQ job: a message arriving at one input port of one node, on the
 * revision its run started on. Its id is derived from the message and the target, so enqueueing
 * the same delivery twice (a re-run after a crash) is a no-op.
 */
import type { JobsOptions } from 'bullmq';
import type { Emission, Message } from '../nodes/runtime';
import { PermanentError } from '../nodes/errors';
import { BACKOFF_TYPE } from './backoff';
import { deliveryJobId, derivedMessageId, keyedMessageId } from './message-id';
import { nodeOf, type Plan, type PlanNode } from './plan';
import type { Retention } from './retention';

export interface Delivery {
  revision: number;
  /** The plan it runs on (`Plan.deployment`); absent in jobs enqueued before deployment ids. */
  deployment?: string;
  node: string;
  port: string;
  message: Message;
  /** How many times this delivery was replayed from the dead letters (0 = never). */
  replay?: number;
}

export interface DeliveryJob {
  name: string;
  data: Delivery;
  opts: JobsOptions & { jobId: string };
}

/** The job that delivers `message` to `target` on `plan`'s revision. */
export function deliveryJob(plan: Plan, target: { node: string; port: string }, message: Message, retention: Retention, replay = 0): DeliveryJob {
  const node = nodeOf(plan, target.node);
  if (!node) throw new PermanentError(`node "${target.node}" is not in revision ${plan.revision} of flow "${plan.flowId}"`);
  return {
    name: node.type,
    data: { revision: plan.revision, deployment: plan.deployment, node: target.node, port: target.port, message, ...(replay > 0 && { replay }) },
    opts: {
      jobId: deliveryJobId(message.id, target.node, target.port, replay),
      attempts: node.policy.retry.attempts,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { count: retention.completedJobs.count, age: retention.completedJobs.ageSec },
      // Failed jobs stay until the engine has dead-lettered them (see FlowWorker's sweep).
      removeOnFail: false,
    },
  };
}

/**
 * The id of each emitted message: from the input, the node, the port and its index on that port;
 * or, for an emission with a `key`, from the node, the port and that key (see `Emission.key`:
 * the processor lets each keyed id through once, engine/stores/keyed-emissions.ts).
 */
export function emissionIds(node: PlanNode, input: Message, emissions: Emission[]): string[] {
  const indexOnPort = new Map<string, number>();
  return emissions.map((emission) => {
    if (emission.key !== undefined) return keyedMessageId(input.meta.flowId, node.id, emission.port, emission.key);
    const index = indexOnPort.get(emission.port) ?? 0;
    indexOnPort.set(emission.port, index + 1);
    return derivedMessageId(input.id, node.id, emission.port, index);
  });
}

/** The deliveries that follow from what a node emitted; ids depend only on the input and the output position (or key). */
export function deliveriesOf(
  plan: Plan,
  node: PlanNode,
  input: Message,
  emissions: Emission[],
  retention: Retention,
  /** The emissions' ids when the caller already has them ({@link emissionIds}). */
  ids: string[] = emissionIds(node, input, emissions),
): DeliveryJob[] {
  const jobs: DeliveryJob[] = [];
  for (const [i, emission] of emissions.entries()) {
    const targets = Object.hasOwn(node.outputs, emission.port) ? node.outputs[emission.port]! : undefined;
    if (!targets) throw new PermanentError(`node "${node.id}" emitted on port "${emission.port}", which it does not have`);
    const id = ids[i]!;
    const attrs = emission.attrs ? { ...input.meta.attrs, ...emission.attrs } : input.meta.attrs;
    for (const target of targets) {
      const message: Message = {
        id,
        runId: input.runId,
        payload: emission.payload,
        meta: { ...input.meta, port: target.port, ...(attrs !== undefined && { attrs }), ...(emission.joinedRuns && { joinedRuns: emission.joinedRuns }) },
      };
      jobs.push(deliveryJob(plan, target, message, retention));
    }
  }
  return jobs;
}
