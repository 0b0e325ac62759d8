/**
 * Which flows are deployed at which revision — one Redis hash, so every process agrees — and a
 * pub/sub channel that tells every engine process at once when it changes. A periodic re-read
 * covers a notification missed while a connection was down.
 *
 * Undeploying is a state, not an event: an undeployed flow is `draining` (a second hash) until
 * its queue is empty, and every process that follows the deployments — also one started later,
 * or while the undeploying one is dead — serves it until one of them finds the queue empty and
 * calls `drained`. Before, only the process that saw the undeploy drained; if it died, waiting
 * and delayed jobs (webhook messages already answered 202) waited forever.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import { LuaScript } from './stores/script';

export interface DeploymentChange {
  flowId: string;
  /** The deployed revision, or undefined once undeployed. */
  revision?: number;
  /** The deployed plan (`Plan.deployment`), with `revision`; absent in notices from before deployment ids. */
  deployment?: string;
  /** Undeployed, and its queue still to be drained. */
  draining?: true;
}

export interface DeploymentInfo {
  revision: number;
  /** `Plan.deployment`; absent in entries written before deployment ids (their plan is stored by revision). */
  deployment?: string;
  since: number;
}

const RESYNC_MS = 5_000;

/**
 * Undeploys a flow into the draining state, in one step (no process can see it neither deployed
 * nor draining).
 *
 * Input: KEYS[1] deployments hash, KEYS[2] draining hash; ARGV[1] flowId, ARGV[2] now (ms)
 * Output: 1 when the flow was deployed (now draining), 0 when it wasn't (nothing changed)
 */
const DRAIN = new LuaScript(
  'undeploy',
  `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 1 then redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) end
return removed
`,
);

export class Deployments {
  #subscriber: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  /**
   * Flows last reported as deployed. A resync reports the ones no longer in the hash as
   * undeployed: an undeploy notice missed while the subscriber was down (or a resync that read
   * the hash just before an undeploy) would otherwise leave a worker running forever.
   */
  readonly #reported = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly onChange: (change: DeploymentChange) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    const subscriber = this.redis.duplicate({ connectionName: 'tributary-control' });
    this.#subscriber = subscriber;
    subscriber.on('message', (_channel, text) => {
      try {
        void this.#apply(JSON.parse(text) as DeploymentChange);
      } catch {
        /* not ours */
      }
    });
    subscriber.on('error', () => undefined);
    await subscriber.subscribe(this.keys.controlChannel());
    await this.resync();
    this.#timer = setInterval(() => void this.resync().catch(() => undefined), RESYNC_MS);
    this.#timer.unref();
  }

  async #apply(change: DeploymentChange): Promise<void> {
    if (change.revision === undefined && !change.draining) this.#reported.delete(change.flowId);
    else this.#reported.add(change.flowId);
    await this.onChange(change).catch(() => undefined);
  }

  /**
   * Re-reads every deployment and reports each as a change, and every flow reported before that
   * is gone from the hash as undeployed (changes are idempotent).
   */
  async resync(): Promise<void> {
    const [deployed, draining] = await Promise.all([this.details(), this.draining()]);
    for (const flowId of [...this.#reported]) if (!deployed.has(flowId) && !draining.has(flowId)) await this.#apply({ flowId });
    for (const flowId of draining) if (!deployed.has(flowId)) await this.#apply({ flowId, draining: true });
    for (const [flowId, info] of deployed) await this.#apply({ flowId, revision: info.revision, ...(info.deployment !== undefined && { deployment: info.deployment }) });
  }

  async deploy(flowId: string, revision: number, deployment: string): Promise<void> {
    const info: DeploymentInfo = { revision, deployment, since: Date.now() };
    await this.redis.multi().hset(this.keys.deployments(), flowId, JSON.stringify(info)).hdel(this.keys.draining(), flowId).exec();
    await this.redis.publish(this.keys.controlChannel(), JSON.stringify({ flowId, revision, deployment }));
  }

  /** Undeploys: the flow is draining until a process finds its queue empty (`drained`). */
  async undeploy(flowId: string): Promise<boolean> {
    const removed = (await DRAIN.run(this.redis, [this.keys.deployments(), this.keys.draining()], [flowId, Date.now()])) === 1;
    const change: DeploymentChange = { flowId, draining: true };
    await this.redis.publish(this.keys.controlChannel(), JSON.stringify(change));
    await this.#apply(change);
    return removed;
  }

  /** The draining flow's queue was found empty: no process need serve it any longer. */
  async drained(flowId: string): Promise<void> {
    if ((await this.redis.hdel(this.keys.draining(), flowId)) === 0) return;
    await this.redis.publish(this.keys.controlChannel(), JSON.stringify({ flowId }));
  }

  /** Whether the flow is undeployed and still draining. */
  async isDraining(flowId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.draining(), flowId)) === 1;
  }

  async draining(): Promise<Set<string>> {
    return new Set(await this.redis.hkeys(this.keys.draining()));
  }

  async revisionOf(flowId: string): Promise<number | undefined> {
    return (await this.current(flowId))?.revision;
  }

  /** The flow's deployment, or undefined when it isn't deployed. */
  async current(flowId: string): Promise<DeploymentInfo | undefined> {
    const json = await this.redis.hget(this.keys.deployments(), flowId);
    return json === null ? undefined : (JSON.parse(json) as DeploymentInfo);
  }

  async details(): Promise<Map<string, DeploymentInfo>> {
    const all = await this.redis.hgetall(this.keys.deployments());
    return new Map(Object.entries(all).map(([flowId, json]) => [flowId, JSON.parse(json) as DeploymentInfo]));
  }

  async all(): Promise<Map<string, number>> {
    return new Map([...(await this.details())].map(([id, info]) => [id, info.revision]));
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#subscriber?.quit().catch(() => undefined);
  }
}
