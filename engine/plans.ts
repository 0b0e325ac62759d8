/**
 * Plans by deployment id (plan.ts), stored in Redis so any worker process — on any machine — runs
 * exactly what was deployed, and cached in memory (a deployment's plan never changes: it is
 * stored only if absent, and its id hashes its content) together with what each node compiled
 * for it (expressions, user schemas).
 */
import type { Redis } from 'ioredis';
import { compileExpression, type CompiledExpression } from '../flows/expression';
import type { Keys } from './keys';
import type { Plan } from './plan';

/** What one node of one revision compiles once and reuses for every message. */
export interface NodeCache {
  expressions: Map<string, CompiledExpression>;
  memo: Map<string, unknown>;
}

export interface LoadedPlan {
  plan: Plan;
  nodeCache(nodeId: string): NodeCache;
}

const MAX_CACHED_PLANS = 256;

/** Raised when a delivery names a deployment whose plan is gone (expired long after its deploy). */
export class PlanMissingError extends Error {
  override readonly name = 'PlanMissingError';
}

export class PlanStore {
  readonly #cache = new Map<string, Promise<LoadedPlan>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlSec: number,
  ) {}

  /** Stores the plan unless its deployment is stored already (then the same content): never overwritten. */
  async save(plan: Plan): Promise<void> {
    const key = this.keys.plan(plan.flowId, plan.deployment);
    if ((await this.redis.set(key, JSON.stringify(plan), 'EX', this.ttlSec, 'NX')) === null) await this.redis.expire(key, this.ttlSec);
  }

  /** Keeps a deployment's plan alive as long as messages may still run on it. */
  async touch(flowId: string, deployment: string): Promise<void> {
    await this.redis.expire(this.keys.plan(flowId, deployment), this.ttlSec);
  }

  load(flowId: string, deployment: string): Promise<LoadedPlan> {
    const id = `${flowId}@${deployment}`;
    let loaded = this.#cache.get(id);
    if (!loaded) {
      loaded = this.#fetch(flowId, deployment);
      loaded.catch(() => this.#cache.delete(id));
      this.#cache.set(id, loaded);
      if (this.#cache.size > MAX_CACHED_PLANS) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return loaded;
  }

  async #fetch(flowId: string, deployment: string): Promise<LoadedPlan> {
    const json = await this.redis.get(this.keys.plan(flowId, deployment));
    if (json === null) throw new PlanMissingError(`no plan for deployment ${deployment} of flow "${flowId}"`);
    const plan = JSON.parse(json) as Plan;
    const caches = new Map<string, NodeCache>();
    return {
      plan,
      nodeCache(nodeId) {
        let cache = caches.get(nodeId);
        if (!cache) caches.set(nodeId, (cache = { expressions: new Map(), memo: new Map() }));
        return cache;
      },
    };
  }
}

/** A node's compiled expression, from its cache. */
export function cachedExpression(cache: NodeCache, source: string): CompiledExpression {
  let compiled = cache.expressions.get(source);
  if (!compiled) cache.expressions.set(source, (compiled = compileExpression(source)));
  return compiled;
}
