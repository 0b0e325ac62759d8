/**
 * The runtime contract: how the engine runs a node. Server-only in use, but types only here, so
 * importing it costs nothing. A runtime receives everything it may use through an explicit
 * context — never a global — so it can be run by one test harness with fakes of nothing but the
 * outside world.
 */
import type { Expression } from './runtime-expression';
import type { HttpClient } from './runtime-http';
import type { Preview } from '../flows/preview';
import type { Credential } from '../contracts/credentials';

export type { Expression } from './runtime-expression';
export type { HttpClient } from './runtime-http';

/** The port timer messages arrive on (see `NodeContext.timers`); never a port of the flow. */
export const TIMER_PORT = '$timer';

/** What travels along edges. `id` is deterministic (see DESIGN.md "Message ids"). */
export interface Message<P = unknown> {
  id: string;
  /** The run this message belongs to: the id of the source message that started it. */
  runId: string;
  payload: P;
  meta: MessageMeta;
}

export interface MessageMeta {
  flowId: string;
  revision: number;
  /** The port this message arrived on (`in` for most nodes; a merge's input names). */
  port: string;
  /** When the run's source emitted its first message (ms since epoch). */
  startedAt: number;
  /** Runs a merge joined into this message. */
  joinedRuns?: string[];
  /** Free-form, JSON-only, small: e.g. a webhook's request headers (secrets stripped). */
  attrs?: Record<string, unknown>;
}

/** One message a node emits: onto which output port, with which payload. */
export interface Emission {
  port: string;
  payload: unknown;
  /** Attributes merged into the downstream message's `meta.attrs`. */
  attrs?: Record<string, unknown>;
  /** Set by a merge: the runs it joined, carried downstream as `meta.joinedRuns`. */
  joinedRuns?: string[];
  /**
   * This output's own identity, when the node knows one — an http-poll record's key and version.
   * Without it, the message id derives from the input message and the output's index (a re-run
   * of the same input gives the same ids). With it, the id derives from the node, the port and
   * this key alone, and the engine lets one message per key through: a key emitted again — by
   * a later execution, in another run — is a duplicate and goes no further, for as long as the
   * engine keeps its marker (`Retention.doneMarkersSec`, 7 days by default). Any string; the
   * engine hashes it.
   */
  key?: string;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Durable state scoped to one node of one deployed flow (Redis underneath). Every key gets a TTL:
 * Redis runs with `noeviction`, so a key without one is a slow outage.
 */
export interface NodeState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSec: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Runs `script` atomically over `keys` — this node's state keys, named as for `get`/`set` —
   * with `args`, and returns its reply (Redis Lua: nothing else runs in between, whichever
   * worker process calls it). For what must not be torn apart by a second worker or a crash:
   * a merge's "store this part; was it the last one?". The script owns the encoding of what it
   * writes (`get` reads JSON only) and must give every key it writes a TTL. Keys stay on one
   * Redis Cluster shard with the rest of the flow. Rejects when Redis is unreachable or the
   * script fails.
   */
  atomic(script: StateScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
}

/**
 * A Lua script for {@link NodeState.atomic}, defined once at module scope (the engine caches it
 * by identity and runs it by SHA), headed by its KEYS/ARGV/Output contract.
 */
export interface StateScript {
  /** Shown in errors. */
  readonly name: string;
  readonly lua: string;
}

/** A stored credential, decrypted only for the node that names it. Never logged or traced. */
export type { Credential } from '../contracts/credentials';

export interface Credentials {
  /** Throws a permanent error when the credential doesn't exist or has another type. */
  get<T extends Credential['type']>(name: string, type: T | T[]): Promise<Extract<Credential, { type: T }>>;
}

/**
 * Trace events a runtime may ask the engine to publish about its execution (`node:<name>` in
 * flows/trace-events.ts); the engine adds the flow, run, node, message and attempt.
 */
export interface NodeTraceSignals {
  /** A saga is about to run the compensation of `step` (`stepIndex`: its place among the steps, from 0). */
  compensating: { step: string; stepIndex: number };
}

/** Everything a node may use while it handles one message. */
export interface NodeContext<C = Record<string, unknown>> {
  readonly flowId: string;
  readonly revision: number;
  readonly nodeId: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** The node's config with schema defaults applied. */
  readonly config: C;
  /** JSONata with guardrails; compiled expressions are cached per deploy. */
  expression(source: string): Expression;
  readonly log: Logger;
  readonly state: NodeState;
  readonly credentials: Credentials;
  /** Aborted when the node's timeout passes or the worker shuts down. */
  readonly signal: AbortSignal;
  /** The only way a node may speak HTTP: refuses forbidden addresses, bounded in time and size. */
  readonly http: HttpClient;
  /**
   * A value built once per deployed revision of this node and reused for every message (a
   * compiled user schema, a parsed template). `key` tells apart several values of one node.
   */
  memo<T>(key: string, build: () => T): T;
  /**
   * Records what this execution produced besides its emissions — a sink's HTTP response, a
   * logged value — shown as a bounded, redacted preview in the node's trace. Last call wins.
   */
  note(result: unknown): void;
  /**
   * The bounded preview of `value` that traces show, with the values of this server's credentials
   * redacted: what a node may write where people read it (the `log` sink's log lines).
   */
  preview(value: unknown): Preview;
  /**
   * Publishes a trace event about this execution that only the runtime knows of — a saga starting
   * a compensation. Awaited, like the engine's own events.
   */
  trace<K extends keyof NodeTraceSignals>(name: K, data: NodeTraceSignals[K]): Promise<void>;
  /**
   * Timers: asks the engine to deliver a timer message to this same node at `atMs` (a merge's
   * window or join timeout). The message arrives on port {@link TIMER_PORT} with
   * `meta.attrs.timer = { key, payload }`. Setting the same key twice is a no-op — keys name what
   * they time (`window:<id>`), so a re-run after a crash can't double a timer.
   */
  readonly timers: { set(key: string, atMs: number, payload?: unknown): Promise<void> };
  /** The data directory of this process (`TRIBUTARY_DATA`); a node that writes files stays under it. */
  readonly dataDir: string;
  /**
   * The idempotency key of this execution (from the policy's key, or derived from the message
   * id and node): HTTP nodes send it as `Idempotency-Key`.
   */
  readonly idempotencyKey: string;
}

/**
 * A node type's runtime. `run` handles one message and returns what to emit; throwing a
 * `TransientError` asks for a retry, a `PermanentError` (or any error the engine can't classify
 * as transient) fails the message for good and applies the node's onError policy.
 */
export interface NodeRuntime<C = Record<string, unknown>> {
  type: string;
  /**
   * Once per deployed revision, before any message: compile what can be compiled (into `memo`)
   * and throw on a config that can't work, so a deploy fails instead of every message.
   */
  prepare?(ctx: PrepareContext<C>): Promise<void> | void;
  run(ctx: NodeContext<C>, message: Message): Promise<Emission[]>;
}

/** What `prepare` may use: enough to compile and check, nothing that acts on the world. */
export type PrepareContext<C> = Pick<NodeContext<C>, 'flowId' | 'revision' | 'nodeId' | 'config' | 'expression' | 'memo' | 'log'>;
