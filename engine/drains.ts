/**
 * Draining undeployed flows in this process (engine/deployments.ts: draining is a state every
 * process with workers serves). One loop per flow, beside the deployment changes — a drain lasts
 * as long as the flow's last timers — that ends the draining state for every process once the
 * queue is empty, then releases the flow's worker; it stops early when the flow is deployed again
 * or another process found the queue empty first.
 */
import type { Queue } from 'bullmq';
import type { Delivery } from './delivery';
import type { Deployments } from './deployments';
import type { Pino } from './logger';

/** How often a draining flow's queue is looked at. */
const POLL_MS = 200;

export interface DrainDeps {
  deployments: Pick<Deployments, 'revisionOf' | 'isDraining' | 'drained'>;
  queue(flowId: string): Queue<Delivery>;
  /** Called once the drain ended (not when it stopped for a redeploy): close the flow's worker. */
  release(flowId: string): Promise<void>;
  log: Pino;
}

export class Drains {
  readonly #running = new Map<string, Promise<void>>();
  #stopped = false;

  constructor(private readonly deps: DrainDeps) {}

  /** Drains `flowId` unless this process does already. */
  start(flowId: string): void {
    if (this.#stopped || this.#running.has(flowId)) return;
    const drain = this.#drain(flowId)
      .catch((error: unknown) => this.deps.log.warn({ flowId, err: (error as Error).message }, 'draining an undeployed flow failed'))
      .finally(() => this.#running.delete(flowId));
    this.#running.set(flowId, drain);
  }

  /** Ends every loop (the process is closing); the draining states stay for other processes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#running.values());
  }

  async #drain(flowId: string): Promise<void> {
    const { deployments } = this.deps;
    while (!this.#stopped) {
      try {
        if ((await deployments.revisionOf(flowId)) !== undefined) return;
        if (!(await deployments.isDraining(flowId))) break;
        const counts = await this.deps.queue(flowId).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) {
          await deployments.drained(flowId);
          break;
        }
      } catch (error) {
        this.deps.log.warn({ flowId, err: (error as Error).message }, 'draining an undeployed flow: will look again');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (!this.#stopped) await this.deps.release(flowId);
  }
}
