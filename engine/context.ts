/**
 * Builds the explicit context a node runtime receives — nothing more than the contract in
 * nodes/runtime.ts offers, every piece scoped to this node, this revision and this message.
 */
import type { Redis } from 'ioredis';
import type { Credentials, Logger, NodeContext, NodeState, StateScript } from '../nodes/runtime';
import type { HttpClient } from '../nodes/runtime-http';
import type { Keys } from './keys';
import { cachedExpression, type NodeCache } from './plans';
import { LuaScript } from './stores/script';
import type { Plan, PlanNode } from './plan';
import type { Tracer } from './tracer';
import { makePreview } from '../flows/preview';
import { rateLimitedHttp } from './rate-limit';

export interface ContextParts {
  redis: Redis;
  keys: Keys;
  credentials: Credentials;
  http: HttpClient;
  dataDir: string;
  /** A logger carrying the given ids. */
  log(fields: { flowId: string; nodeId: string; runId: string; messageId: string }): Logger;
  /** Timers of one node of one deployed plan (engine/timers.ts). */
  timers(plan: Plan, nodeId: string): NodeContext['timers'];
  /** How long a dead letter can be replayed (`retention.deadLetters.ttlSec`): `ctx.replayableSec`. */
  replayableSec: number;
  /** What `$env('NAME')` reads (engine/variables.ts); without it, nothing. */
  variable?: (name: string) => Promise<string | undefined>;
  /** Publishes the trace events runtimes ask for (`ctx.trace`); without it they are dropped. */
  tracer?: Pick<Tracer, 'emit' | 'preview'>;
}

/** Each node script compiled (hashed) once, however many contexts run it. */
const scripts = new WeakMap<StateScript, LuaScript>();

/** Node state in Redis, one key per state key, every one with a TTL. */
export function nodeState(redis: Redis, keys: Keys, flowId: string, nodeId: string): NodeState {
  return {
    async get<T>(key: string) {
      const json = await redis.get(keys.nodeState(flowId, nodeId, key));
      return json === null ? undefined : (JSON.parse(json) as T);
    },
    async set(key, value, ttlSec) {
      await redis.set(keys.nodeState(flowId, nodeId, key), JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSec)));
    },
    async delete(key) {
      await redis.del(keys.nodeState(flowId, nodeId, key));
    },
    async atomic(script, stateKeys, args) {
      let lua = scripts.get(script);
      if (!lua) scripts.set(script, (lua = new LuaScript(`${nodeId}/${script.name}`, script.lua)));
      // Every key carries the flow's hash tag, so the script is legal on a Redis Cluster too.
      return lua.run(redis, stateKeys.map((key) => keys.nodeState(flowId, nodeId, key)), args);
    },
  };
}

export function memoOf(cache: NodeCache) {
  return <T>(key: string, build: () => T): T => {
    if (!cache.memo.has(key)) cache.memo.set(key, build());
    return cache.memo.get(key) as T;
  };
}

export function createNodeContext(
  parts: ContextParts,
  run: {
    flowId: string;
    revision: number;
    plan: Plan;
    node: PlanNode;
    runId: string;
    messageId: string;
    attempt: number;
    idempotencyKey: string;
    signal: AbortSignal;
    cache: NodeCache;
    note(result: unknown): void;
  },
): NodeContext {
  return {
    flowId: run.flowId,
    revision: run.revision,
    nodeId: run.node.id,
    attempt: run.attempt,
    config: run.node.config,
    // Bound to this execution's signal, so a timeout stops an evaluation that awaits.
    expression: (source) => {
      const compiled = cachedExpression(run.cache, source);
      return { evaluate: (input, bindings) => compiled.evaluate(input, bindings, { signal: run.signal, ...(parts.variable && { env: parts.variable }) }) };
    },
    note: run.note,
    preview: (value) => parts.tracer?.preview(value) ?? makePreview(value),
    trace: async (name, data) => {
      const base = { flowId: run.flowId, revision: run.revision, runId: run.runId, nodeId: run.node.id, nodeType: run.node.type, messageId: run.messageId, attempt: run.attempt };
      await parts.tracer?.emit(`node:${name}`, { ...base, at: Date.now(), ...data });
    },
    timers: parts.timers(run.plan, run.node.id),
    memo: memoOf(run.cache),
    log: parts.log({ flowId: run.flowId, nodeId: run.node.id, runId: run.runId, messageId: run.messageId }),
    state: nodeState(parts.redis, parts.keys, run.flowId, run.node.id),
    credentials: parts.credentials,
    signal: run.signal,
    // Honours 429s for all workers; with `policy.rateLimit`, also spaces the node's requests.
    http: rateLimitedHttp(parts.http, parts.redis, parts.keys, run.flowId, run.node.id, run.node.policy.rateLimit),
    dataDir: parts.dataDir,
    idempotencyKey: run.idempotencyKey,
    replayableSec: parts.replayableSec,
  };
}
