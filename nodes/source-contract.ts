/**
 * The source contract: how messages come to exist at a flow's source nodes. The runtime contract
 * (nodes/runtime.ts) handles a message once it exists; a source decides when messages start and
 * with what. The engine runs every source through this contract and the registry of sources
 * (nodes/sources.ts), never by node type, so a new kind of source plugs in without an edit to
 * engine/ or server/. Types only (and no runtime imports), so importing it costs nothing.
 *
 * A source node still has a runtime: each message a source emits starts a run whose first
 * delivery is the node's own `run` (on port `trigger`), under the node's policy. Work that may
 * fail per message — decoding a Kafka record, reading an http-poll page — belongs there: retry
 * and onError (dead letter by default) apply to that one message, and nothing holds the source
 * back. A record the source can't make sense of is therefore emitted as it is (raw bytes as
 * base64, say) and refused by `run` with a PermanentError, which dead-letters it.
 *
 * Kinds (`Source.kind`):
 * - `timetable` (schedule, http-poll): ticks. The engine keeps one BullMQ job scheduler per node,
 *   so however many engine processes run, each tick is one job that one of them takes; the tick's
 *   message has payload null and `meta.attrs` `{ scheduledAt, firedAt }` (ISO; `catchUp: true` on
 *   a catch-up), and its id derives from the node and the scheduled time.
 * - `intake` (webhook): the server hands each request under `/hooks/<flowId>/…` to the engine,
 *   which offers it to the deployed flow's intake sources; the one that takes it emits and answers.
 * - `trigger` (inject): started by hand (`POST /api/flows/<id>/trigger`, the editor's button).
 * - `subscription` (kafka-consume): a long-running reader. The engine starts one member in EVERY
 *   engine process (API-only ones too; not one started with `subscriptions: false`) while the
 *   flow is deployed, like the members of a consumer group; processes started later start theirs
 *   when they pick the deployment up.
 *
 * Lifecycle:
 * - deploy: `check` runs before anything is stored (its problems refuse the deploy, located at
 *   `/nodes/<i>/config/<field>`); then the engine schedules timetables, routes intake, and starts
 *   subscription members (in every process, within seconds: processes follow the deployments).
 * - redeploy: timetables are rescheduled (an unchanged interval keeps its phase). Each
 *   subscription member of the old revision is stopped (awaited) and one of the new revision
 *   started — always, even when the node's config didn't change, since new messages must run on
 *   the new revision. Messages already emitted finish on the revision they started on.
 * - undeploy: timetables are unscheduled, intake answers 404, subscription members are stopped
 *   (awaited) before the flow's workers drain; the same when an engine process shuts down.
 *
 * Back-pressure — the flow's backlog (waiting and delayed jobs of its queue) against its bound
 * (`settings.backlogLimit`):
 * - timetable: a tick at the bound starts no run (logged); a source's own continuation (a
 *   delivery on its `$timer` port: an http-poll's next page) waits, delayed, until below it.
 * - intake and trigger: `emit` refuses with the engine's BackpressureError (503 + Retry-After).
 * - subscription: the engine calls `pause()` once the backlog reaches the bound and `resume()`
 *   once it is below again (it looks after emits and every few hundred ms). A subscription's
 *   `emit` never refuses for back-pressure — a batch already read is enqueued whole, so its
 *   offsets can be committed; `pause` is the brake.
 *
 * Emitting: `emit` resolves only once the run is recorded and its first delivery durably
 * enqueued in Redis — commit a consumer's offsets after it, never before. The message id (which is
 * the run id) derives from the flow, the node and the emission's `key`, so emitting a key again
 * (a re-read after a crash or a rebalance) is the same message and runs once while the engine's
 * markers live (`Retention.doneMarkersSec`, 7 days by default). A source that deliberately reads
 * again (an offset reset to reprocess) puts something new into its keys (the reset's id).
 *
 * Problems: a subscription calls `ctx.report(message)` for a problem it works around (a broker
 * unreachable, being retried) and `ctx.report(undefined)` once it is gone; `ctx.fail(error)` when
 * it can't go on — the engine then stops that member and starts a fresh one after a pause. A
 * `start` that throws counts as a failure. Problems are logged with flow and node ids and listed
 * per node and process under `GET /api/deployments` (`sources`), with each member's state and,
 * when the subscription tells it (`Subscription.lag`), its lag per partition.
 */
import type { Credentials, Logger, NodeState } from './runtime';

/** One of the kinds above; the engine switches on `kind`, never on `type`. */
export type Source<C = Record<string, unknown>> = TimetableSource<C> | IntakeSource<C> | TriggerSource<C> | SubscriptionSource<C>;

export type SourceKind = Source['kind'];

interface SourceBase<C> {
  /** The node type this source belongs to (its spec's and runtime's `type`). */
  readonly type: string;
  /**
   * At deploy, before anything is stored: what in this node's config can't start. Each problem
   * names the config field it is about (`cron`, `auth/credential`), for its JSON pointer.
   */
  check?(ctx: SourceCheckContext<C>): ConfigProblem[];
}

export interface ConfigProblem {
  /** Path of the field under the node's `config`, `/`-separated: `timezone`, `auth/credential`. */
  field: string;
  message: string;
}

export interface SourceCheckContext<C> {
  readonly nodeId: string;
  /** The node's config with schema defaults applied. */
  readonly config: C;
  /**
   * When a cron pattern fires next after `afterMs`, read the way the engine's timetables read it;
   * undefined when it never fires; throws (with why) on a pattern it can't read.
   */
  nextCronTime(pattern: string, timezone: string | undefined, afterMs: number): number | undefined;
}

/** A deployed, enabled node of a source type, as an intake sees it. */
export interface SourceNode<C> {
  readonly id: string;
  /** Position in the flow document's `nodes` (the first drawn wins a tie). */
  readonly index: number;
  readonly config: C;
}

/** One message a source starts. */
export interface SourceEmission {
  /**
   * What identifies this message where it was read: a Kafka record's `topic/partition/offset`, a
   * webhook's idempotency header. Any string; the engine hashes it. Intake only: omitted, the
   * message gets a fresh id.
   */
  key?: string;
  payload: unknown;
  /** Small, JSON-only attributes: the message's `meta.attrs` (secrets stripped). */
  attrs?: Record<string, unknown>;
}

export interface EmitResult {
  /** The run the emission started — or, for a key emitted before, the run it started then. */
  runId: string;
  /** True when the key was emitted before: nothing new was enqueued. */
  duplicate: boolean;
}

// ---------------------------------------------------------------------------------------------
// timetable

/**
 * A tick that fires more than the engine's `misfireMs` late stands for every tick missed while no
 * engine ran: `skip` starts nothing; `run` starts one run; `run-once` as `run`, and a redeploy that
 * replaces an overdue pending tick enqueues that tick itself, so the catch-up still runs once.
 */
export type MissedTicks = 'skip' | 'run' | 'run-once';

export type Timetable = ({ everyMs: number } | { cron: string; timezone?: string }) & { missed: MissedTicks };

export interface TimetableSource<C = Record<string, unknown>> extends SourceBase<C> {
  readonly kind: 'timetable';
  /** When this node ticks. Read at every deploy and every tick; pure. */
  timetable(config: C): Timetable;
}

// ---------------------------------------------------------------------------------------------
// intake

/** An HTTP request the server received under `/hooks/<flowId>/…`. */
export interface IntakeRequest {
  method: string;
  /** The path after `/hooks/<flowId>`, split and decoded (`/orders/7` → `['orders', '7']`). */
  segments: readonly string[];
  /** Lower-case names, as Node gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Record<string, unknown>;
  /** The body exactly as received (signatures cover these bytes). */
  body: Buffer;
  /**
   * A browser sent it from another site (`Sec-Fetch-Site: cross-site`) whose Origin the server
   * doesn't trust (`TRIBUTARY_CORS_ORIGINS`): only an intake that authenticates its callers takes it.
   */
  crossSite?: boolean;
}

export interface IntakeContext<C> {
  readonly flowId: string;
  readonly revision: number;
  /** This type's enabled nodes in the deployed revision. */
  readonly nodes: readonly SourceNode<C>[];
  readonly credentials: Credentials;
  readonly log: Logger;
  /**
   * Starts a run at `nodeId` (one of `nodes`). With a `key` accepted before (while its marker
   * lives: the node's idempotency TTL, else the engine's), answers that first run, `duplicate:
   * true`. Refuses under back-pressure and while Redis is unreachable (the engine's errors; the
   * server answers 503 with Retry-After).
   */
  emit(nodeId: string, emission: SourceEmission): Promise<EmitResult>;
}

/** What an intake answers with: the emission's result, and whether the caller waits for a reply. */
export interface IntakeResult extends EmitResult {
  /**
   * A request-reply intake: the caller waits up to this many ms (from the run's start) for the
   * reply an http-reply node stores for the run, else gets 202 with the run id.
   */
  replyWithinMs?: number;
}

export interface IntakeSource<C = Record<string, unknown>> extends SourceBase<C> {
  readonly kind: 'intake';
  /**
   * Offered each request for the flow. Undefined when none of `ctx.nodes` takes the request's path
   * (the next intake type of the flow is asked, and with none left the server answers 404); throws
   * an `IntakeError` (nodes/errors.ts) to refuse with its status; else emits and returns what
   * `ctx.emit` gave — resolved once the message is durably enqueued.
   */
  accept(ctx: IntakeContext<C>, request: IntakeRequest): Promise<IntakeResult | undefined>;
}

// ---------------------------------------------------------------------------------------------
// trigger

export interface TriggerSource<C = Record<string, unknown>> extends SourceBase<C> {
  readonly kind: 'trigger';
  /** The payload of a trigger that brings none. */
  payload(config: C): unknown;
}

// ---------------------------------------------------------------------------------------------
// subscription

export interface SubscriptionContext<C> {
  readonly flowId: string;
  readonly revision: number;
  readonly nodeId: string;
  /** The node's config with schema defaults applied. */
  readonly config: C;
  /** Carries the flow, node and revision ids. */
  readonly log: Logger;
  readonly credentials: Credentials;
  /** Durable state of this node (shared by every member, in every process). */
  readonly state: NodeState;
  /** This engine process, stable for its life and unique among processes: a client id. */
  readonly processId: string;
  /** Aborted when the engine stops this member (undeploy, redeploy, shutdown), before `stop()`. */
  readonly signal: AbortSignal;
  /**
   * Starts a run with this emission (its `key` required); resolves once durably enqueued. Never
   * refuses for back-pressure. Rejects once `signal` is aborted (nothing enqueued — commit nothing
   * past it) and while Redis is unreachable.
   */
  emit(emission: SourceEmission & { key: string }): Promise<EmitResult>;
  /** A problem this member works around (logged, listed in deployments); `undefined` clears it. */
  report(problem: string | undefined): void;
  /** This member can't go on: the engine stops it and starts a fresh one after a pause. */
  fail(error: unknown): void;
}

/** How far a member's reading is behind, for one partition it reads (a Kafka consumer's lag). */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages there past what was committed. */
  lag: number;
}

/** One running member of a subscription, in one engine process. */
export interface Subscription {
  /**
   * Optional: the lag of each partition this member reads. The engine asks every few seconds and
   * lists it with the member under `GET /api/deployments` (`sources[].lag`) and in `/metrics`
   * (`tributary_source_lag`). Should answer quickly; a rejection is logged and skipped.
   */
  lag?(): Promise<PartitionLag[]>;
  /** Stops reading new messages (emits under way may finish). Idempotent. */
  pause(): void | Promise<void>;
  /** Reads on after `pause`. Idempotent. */
  resume(): void | Promise<void>;
  /**
   * Stops for good: stop reading, let emits under way finish, commit, leave, disconnect. Awaited
   * before a replacement starts and before the flow drains. Should not throw; after `fail` too.
   */
  stop(): Promise<void>;
}

export interface SubscriptionSource<C = Record<string, unknown>> extends SourceBase<C> {
  readonly kind: 'subscription';
  /**
   * Starts this process's member; resolves once it reads (connected, joined). Starts unpaused; the
   * engine pauses it at once if the flow's backlog is at its bound. Honour `ctx.signal` while
   * starting: a member stopped before its start resolves is stopped once it does, so a start that
   * hangs (a broker that never answers) holds up that stop — give up when the signal aborts.
   */
  start(ctx: SubscriptionContext<C>): Promise<Subscription>;
}
