/**
 * Request-reply webhooks: the server waits for the reply an http-reply node of the run stores
 * (nodes/sink/http-reply), up to a deadline. The message was durably enqueued before anything
 * waited, so a server that dies while its callers wait loses nothing: each caller sees a
 * connection error and retries with its idempotency key, and gets the stored reply.
 *
 * Waiting polls the reply keys (every {@link REPLY_POLL_MS}): a reply is read from Redis, never
 * from memory, so it doesn't matter which process ran the http-reply node.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { replyKey, type StoredReply } from '../nodes/shared/reply';
import { nodeState } from './context';
import type { Keys } from './keys';
import type { Plan } from './plan';

export const REPLY_POLL_MS = 50;

export const HTTP_REPLY_TYPE = 'http-reply';

/** The reply stored for `runId` by any http-reply node of `plan`, if one is. */
export async function storedReply(redis: Redis, keys: Keys, plan: Plan, runId: string): Promise<StoredReply | undefined> {
  for (const node of Object.values(plan.nodes)) {
    if (node.type !== HTTP_REPLY_TYPE) continue;
    const reply = await nodeState(redis, keys, plan.flowId, node.id).get<StoredReply>(replyKey(runId));
    if (reply) return reply;
  }
  return undefined;
}

/** The run's reply once stored, or undefined at `deadline` (epoch ms) or when `signal` aborts (the caller left). */
export async function waitForReply(
  redis: Redis,
  keys: Keys,
  plan: () => Promise<Plan | undefined>,
  runId: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<StoredReply | undefined> {
  for (;;) {
    const current = await plan();
    if (!current) return undefined;
    const reply = await storedReply(redis, keys, current, runId);
    if (reply) return reply;
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return undefined;
    await sleep(Math.min(REPLY_POLL_MS, left), undefined, { signal }).catch(() => undefined);
  }
}
