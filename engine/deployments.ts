/**
 * Which flows are deployed at which revision — one Redis hash, so every process agrees — and a
 * pub/sub channel that tells every engine process at once when it changes. A periodic re-read
 * covers a notification missed while a connection was down.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys';

export interface DeploymentChange {
  flowId: string;
  /** The deployed revision, or undefined once undeployed. */
  revision?: number;
}

export interface DeploymentInfo {
  revision: number;
  since: number;
}

const RESYNC_MS = 5_000;

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
    if (change.revision === undefined) this.#reported.delete(change.flowId);
    else this.#reported.add(change.flowId);
    await this.onChange(change).catch(() => undefined);
  }

  /**
   * Re-reads every deployment and reports each as a change, and every flow reported before that
   * is gone from the hash as undeployed (changes are idempotent).
   */
  async resync(): Promise<void> {
    const deployed = await this.details();
    for (const flowId of [...this.#reported]) if (!deployed.has(flowId)) await this.#apply({ flowId });
    for (const [flowId, info] of deployed) await this.#apply({ flowId, revision: info.revision });
  }

  async deploy(flowId: string, revision: number): Promise<void> {
    const info: DeploymentInfo = { revision, since: Date.now() };
    await this.redis.hset(this.keys.deployments(), flowId, JSON.stringify(info));
    await this.redis.publish(this.keys.controlChannel(), JSON.stringify({ flowId, revision }));
  }

  async undeploy(flowId: string): Promise<boolean> {
    const removed = (await this.redis.hdel(this.keys.deployments(), flowId)) === 1;
    await this.redis.publish(this.keys.controlChannel(), JSON.stringify({ flowId }));
    await this.#apply({ flowId });
    return removed;
  }

  async revisionOf(flowId: string): Promise<number | undefined> {
    const json = await this.redis.hget(this.keys.deployments(), flowId);
    return json === null ? undefined : (JSON.parse(json) as DeploymentInfo).revision;
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
