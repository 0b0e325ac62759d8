/**
 * Automatic redrive of dead letters (`policy.redrive`: interval, maximum redrives): every engine
 * process with workers looks, every {@link REDRIVE_CHECK_MS}, at the dead letters of the
 * deployed nodes that have the policy, and replays each one that has waited `intervalMs` since
 * it failed and has been replayed fewer than `maxRedrives` times (manual replays count too).
 * Past that it stays for a person. Two processes replaying the same letter at once is harmless:
 * the replayed job's id derives from the letter and its replay count, so it is enqueued once.
 */
import type { Pino } from './logger';
import type { DeadLetterService } from './dead-letter-service';
import type { Plan } from './plan';

export const REDRIVE_CHECK_MS = 1000;

export interface RedriveDeps {
  deadLetters: DeadLetterService;
  deployed(): Promise<Map<string, number>>;
  currentPlan(flowId: string): Promise<Plan | undefined>;
  log: Pino;
}

/** One pass: replays what is due; returns how many were replayed. */
export async function redriveDue(deps: RedriveDeps, now = Date.now()): Promise<number> {
  let replayed = 0;
  for (const flowId of (await deps.deployed()).keys()) {
    const plan = await deps.currentPlan(flowId);
    if (!plan) continue;
    for (const node of Object.values(plan.nodes)) {
      const policy = node.policy.redrive;
      if (!policy) continue;
      const page = await deps.deadLetters.list(flowId, { nodeId: node.id, limit: 100 });
      for (const letter of page.items) {
        if (letter.replays >= policy.maxRedrives || now - letter.failedAt < policy.intervalMs) continue;
        try {
          await deps.deadLetters.replay(flowId, letter.id);
          replayed++;
          deps.log.info({ flowId, nodeId: node.id, deadLetter: letter.id, redrive: letter.replays + 1, of: policy.maxRedrives }, 'dead letter redriven');
        } catch (error) {
          deps.log.warn({ flowId, nodeId: node.id, deadLetter: letter.id, err: (error as Error).message }, 'dead letter could not be redriven');
        }
      }
    }
  }
  return replayed;
}

/** Runs {@link redriveDue} every `everyMs` until stopped; a pass never overlaps the next. */
export function startRedriver(deps: RedriveDeps, everyMs = REDRIVE_CHECK_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => redriveDue(deps)).catch((error: unknown) => deps.log.warn({ err: (error as Error).message }, 'dead-letter redrive pass failed'));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
