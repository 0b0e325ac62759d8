/**
 * The engine of one process: deploys flows (plans stored per revision in Redis), runs their
 * deliveries on BullMQ workers, and takes messages in. Several processes on one Redis share the
 * work: each follows the deployments through Redis (a hash plus a pub/sub channel), so a worker
 * started anywhere picks up every deployed flow.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Catalogue } from '../flows/catalogue';
import type { NodeRuntime } from '../nodes/runtime';
import type { EmitResult, IntakeRequest, IntakeResult } from '../nodes/source-contract';
import { SOURCES } from '../nodes/sources';
import { createHttpClient, type OutboundPolicy } from '../nodes/runtime/http';
import { closeProducers } from '../nodes/runtime/kafka';
import { Backlog } from './backlog';
import { CredentialStore } from './credentials';
import { VariableStore } from './variables';
import { waitForReply } from './replies';
import { startRedriver } from './redrive';
import type { StoredReply } from '../nodes/shared/reply';
import { DeadLetterService } from './dead-letter-service';
import type { Delivery, DeliveryJob } from './delivery';
import { Deployments, type DeploymentChange, type DeploymentInfo } from './deployments';
import { Drains } from './drains';
import { DEFAULT_WORKER_TIMINGS, FlowWorker, type WorkerTimings } from './flow-worker';
import { ingest, NotDeployedError, RedisUnavailableError, startSourceRun, type IngestDeps, type IngestRequest, type IngestResult } from './ingest';
import { offerIntake } from './intake';
import { Keys } from './keys';
import { createLogger, nodeLogger, type Pino } from './logger';
import { compilePlan, deploymentOf, nodeOf, type Plan } from './plan';
import { PlanStore } from './plans';
import { createProcessor } from './processor';
import { prepareRuntimes } from './prepare';
import { assertRedisReady } from './redis/check';
import { createRedisConnection } from './redis/connection';
import { detachedFromCaller, failFastForCallers } from './redis/fail-fast';
import { DEFAULT_RETENTION, type Retention } from './retention';
import { MemoryGuard, type MemoryGuardOptions } from './redis/memory-guard';
import { CircuitBreakers, type BreakerState } from './stores/circuit-breaker';
import { DeadLetterStore, logTrimmed } from './stores/dead-letters';
import { MetricsStore } from './stores/metrics';
import { RunStore } from './stores/runs';
import { Tracer } from './tracer';
import { timersFor } from './timers';
import { failedJobHandler } from './failed-jobs';
import { DEFAULT_MISFIRE_MS, Timetables } from './sources';
import { sourceMessageId } from './message-id';
import { nodeState } from './context';
import { checkSources, sourceOf, type SourceRegistry } from './source-nodes';
import { SourceStatusStore, type SourceStatus } from './stores/source-status';
import { DEFAULT_SUBSCRIPTION_TIMINGS, Subscriptions, type SubscriptionTimings } from './subscriptions';

/** The deployment a change says is deployed, or undefined when it says undeployed. */
const deployedOf = (change: DeploymentChange): string | undefined =>
  change.revision === undefined ? undefined : deploymentOf({ revision: change.revision, ...(change.deployment !== undefined && { deployment: change.deployment }) });

export interface EngineOptions {
  redisUrl: string;
  /** Namespace of every Redis key (default `trib`). */
  prefix?: string;
  catalogue: Catalogue;
  runtimes: ReadonlyMap<string, NodeRuntime<any>>;
  /**
   * The sources of the source node types, by type (nodes/source-contract.ts); the engine starts
   * messages only through them. Default: this build's (nodes/sources.ts).
   */
  sources?: SourceRegistry;
  /**
   * Run a member of every deployed subscription source (a Kafka consumer) in this process.
   * Default true, API-only processes included: like a consumer group's members, each shares the reading.
   */
  subscriptions?: boolean;
  subscriptionTimings?: Partial<SubscriptionTimings>;
  /** Secret the credentials are encrypted with (`TRIBUTARY_SECRET`). */
  secret: string;
  dataDir: string;
  /** Run workers in this process (false for an API-only process). Default true. */
  workers?: boolean;
  /** Deliveries one process runs at once per flow. Default 16: nodes mostly wait on I/O. */
  concurrency?: number;
  timings?: Partial<WorkerTimings>;
  retention?: Partial<Retention>;
  /**
   * The outbound-HTTP policy every HTTP node obeys (allow-list, timeouts, size cap). When given,
   * it is also stored in Redis for every other process; when not, the stored one applies.
   */
  outbound?: Partial<OutboundPolicy>;
  logger?: Pino;
  /**
   * How late (ms) a schedule's tick may fire and still count as on time; a later one stands for
   * ticks missed while no engine ran, and the node's timetable decides (engine/sources.ts).
   * Default 60 000.
   */
  misfireMs?: number;
  /** When intake sheds for Redis memory (engine/redis/memory-guard.ts). */
  memory?: MemoryGuardOptions;
}

export class Engine {
  readonly keys: Keys;
  readonly runs: RunStore;
  readonly deadLetters: DeadLetterService;
  readonly credentials: CredentialStore;
  /** Flow variables, what `$env('NAME')` reads. */
  readonly variables: VariableStore;
  readonly log: Pino;
  readonly #plans: PlanStore;
  readonly #queues = new Map<string, Queue<Delivery>>();
  readonly #workers = new Map<string, FlowWorker>();
  readonly #deployments: Deployments;
  readonly #retention: Retention;
  readonly #process: ReturnType<typeof createProcessor>;
  readonly #tracer: Tracer;
  readonly #sources: SourceRegistry;
  readonly #timetables: Timetables;
  readonly #subscriptions: Subscriptions | undefined;
  readonly #sourceStatus: SourceStatusStore;
  readonly #backlog: Backlog;
  readonly #memory: MemoryGuard;
  readonly #drains: Drains;
  /** This process among engine processes (a subscription member's client id). */
  readonly processId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #breakers: CircuitBreakers;
  #closed = false;
  #redriver: { stop(): Promise<void> } | undefined;

  private constructor(
    readonly redis: Redis,
    private readonly options: EngineOptions,
    outbound: Partial<OutboundPolicy>,
  ) {
    this.keys = new Keys(options.prefix);
    this.log = options.logger ?? createLogger();
    this.#retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.#memory = new MemoryGuard(redis, options.memory);
    this.#backlog = new Backlog(redis, this.keys, (id) => this.queue(id));
    this.#plans = new PlanStore(redis, this.keys, this.#retention.plansSec);
    this.runs = new RunStore(redis, this.keys, this.#retention);
    // Trims are logged through this engine's logger (its level, its destination), not a default one.
    const dlq = new DeadLetterStore(redis, this.keys, this.#retention, { onTrimmed: logTrimmed(this.log) });
    // Storing a credential refreshes this process's redaction list at once; other processes
    // refresh theirs within seconds (Tracer), and sinks redact the secrets they use themselves.
    this.credentials = new CredentialStore(redis, this.keys, options.secret, () => this.#tracer.refreshSecrets());
    this.variables = new VariableStore(redis, this.keys);
    this.#tracer = new Tracer(this.runs, () => this.credentials.secretValues(), new MetricsStore(redis, this.keys));
    const http = createHttpClient(outbound);
    this.#sources = options.sources ?? SOURCES;
    this.#timetables = new Timetables({
      runs: this.runs,
      tracer: this.#tracer,
      retention: this.#retention,
      queue: (id) => this.queue(id),
      backlog: (id) => this.backlog(id),
      currentPlan: (id) => this.currentPlan(id),
      sources: this.#sources,
      log: this.log,
      misfireMs: options.misfireMs ?? DEFAULT_MISFIRE_MS,
    });
    this.#sourceStatus = new SourceStatusStore(redis, this.keys);
    this.#subscriptions =
      options.subscriptions === false
        ? undefined
        : new Subscriptions({
            sources: this.#sources,
            processId: this.processId,
            log: this.log,
            credentials: this.credentials,
            state: (flowId, nodeId) => nodeState(redis, this.keys, flowId, nodeId),
            emit: (plan, nodeId, emission) => this.#emit(plan, nodeId, emission),
            backlog: (id) => this.backlog(id),
            status: this.#sourceStatus,
            timings: { ...DEFAULT_SUBSCRIPTION_TIMINGS, ...options.subscriptionTimings },
          });
    this.#breakers = new CircuitBreakers(redis, this.keys, this.#retention);
    this.#process = createProcessor({
      plans: this.#plans,
      runtimes: options.runtimes,
      runs: this.runs,
      deadLetters: dlq,
      breakers: this.#breakers,
      tracer: this.#tracer,
      retention: this.#retention,
      context: {
        redis,
        keys: this.keys,
        credentials: this.credentials,
        http,
        dataDir: options.dataDir,
        replayableSec: this.#retention.deadLetters.ttlSec,
        log: (fields) => nodeLogger(this.log, fields),
        timers: (plan, nodeId) =>
          timersFor({ runs: this.runs, retention: this.#retention, queue: (id) => this.queue(id), timer: (id, jobId, atMs) => this.#backlog.timer(id, jobId, atMs) }, plan, nodeId),
        tracer: this.#tracer,
        variable: (name) => this.variables.value(name),
      },
      enqueue: (flowId, jobs) => this.#enqueue(flowId, jobs),
      sources: this.#timetables,
    });
    this.deadLetters = new DeadLetterService({
      store: dlq,
      runs: this.runs,
      retention: this.#retention,
      currentPlan: (flowId) => this.currentPlan(flowId),
      enqueue: (flowId, jobs) => this.#enqueue(flowId, jobs),
      backlog: (flowId) => this.backlog(flowId),
    });
    this.#deployments = new Deployments(redis, this.keys, (change) => this.#follow(change));
    this.#drains = new Drains({
      deployments: this.#deployments,
      queue: (id) => this.queue(id),
      // Unless deployed again meanwhile, the drained flow's worker goes.
      release: async (flowId) => {
        const worker = this.#workers.get(flowId);
        if (!worker || this.#closed || (await this.#deployments.revisionOf(flowId)) !== undefined) return;
        this.#workers.delete(flowId);
        await worker.close();
      },
      log: this.log,
    });
  }

  /** Connects, refuses a Redis that could evict jobs, and starts following the deployments. */
  static async start(options: EngineOptions): Promise<Engine> {
    const redis = failFastForCallers(createRedisConnection(options.redisUrl, { connectionName: 'tributary-engine' }));
    try {
      await assertRedisReady(redis);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    const keys = new Keys(options.prefix);
    let outbound = options.outbound;
    if (outbound) await redis.hset(keys.settings(), 'outbound', JSON.stringify(outbound));
    else outbound = JSON.parse((await redis.hget(keys.settings(), 'outbound')) ?? '{}') as Partial<OutboundPolicy>;
    const engine = new Engine(redis, options, outbound);
    await engine.#tracer.refreshSecrets();
    await engine.#deployments.start();
    if (options.workers !== false) {
      engine.#redriver = startRedriver({ deadLetters: engine.deadLetters, deployed: () => engine.deployed(), currentPlan: (id) => engine.currentPlan(id), log: engine.log });
    }
    return engine;
  }

  /** The queue of a flow (created on first use; shared by ingest, enqueue and workers). */
  queue(flowId: string): Queue<Delivery> {
    let queue = this.#queues.get(flowId);
    if (!queue) {
      queue = new Queue<Delivery>(this.keys.queueName(flowId), { connection: this.redis, prefix: this.keys.prefix });
      queue.on('error', (error) => this.log.warn({ err: error.message, flowId }, 'queue error'));
      this.#queues.set(flowId, queue);
    }
    return queue;
  }

  async #enqueue(flowId: string, jobs: DeliveryJob[]): Promise<void> {
    await this.queue(flowId).addBulk(jobs);
  }

  /**
   * Validates, compiles and deploys `doc` as `revision`. Messages already in flight finish on
   * the revision they started on; new ones run on this one. Throws InvalidFlowError.
   * Timetable sources get their BullMQ job schedulers here, in the deploying process; subscription
   * sources start in every process as it follows the deployment.
   */
  async deploy(doc: unknown, revision: number): Promise<Plan> {
    const plan = compilePlan(doc, revision, this.options.catalogue);
    await prepareRuntimes(plan, this.options.runtimes, this.log);
    checkSources(plan, this.#sources);
    await this.#plans.save(plan);
    await this.#deployments.deploy(plan.flowId, plan.revision, plan.deployment);
    // After the deployment: a tick reads the deployed plan, so none may fire before it exists.
    await this.#timetables.sync(plan);
    return plan;
  }

  /** Stops taking messages in; what is in flight drains on the workers, then they close. */
  async undeploy(flowId: string): Promise<boolean> {
    // Schedulers first: their pending tick is a delayed job, and a worker drains only an empty queue.
    await this.#timetables.stop(flowId);
    return this.#deployments.undeploy(flowId);
  }

  /**
   * Removes the completed and failed jobs a flow's queue keeps for inspection, once it is neither
   * deployed nor draining (its flow was deleted): BullMQ trims them only when a later job ends,
   * so a deleted flow's would stay forever. Returns how many went; 0 while the flow still runs.
   */
  async forget(flowId: string): Promise<number> {
    if ((await this.#deployments.revisionOf(flowId)) !== undefined || (await this.#deployments.isDraining(flowId))) return 0;
    const queue = this.queue(flowId);
    let removed = 0;
    for (const type of ['completed', 'failed'] as const) {
      for (let batch = await queue.clean(0, 1_000, type); batch.length > 0; batch = await queue.clean(0, 1_000, type)) removed += batch.length;
    }
    return removed;
  }

  /** The deployed plan of a flow, or undefined when it isn't deployed. */
  async currentPlan(flowId: string): Promise<Plan | undefined> {
    const current = await this.#deployments.current(flowId);
    return current === undefined ? undefined : (await this.#plans.load(flowId, deploymentOf(current))).plan;
  }

  deployed(): Promise<Map<string, number>> {
    return this.#deployments.all();
  }

  /** Every deployed flow with its revision and since when (ms since epoch) it is deployed. */
  deployments(): Promise<Map<string, DeploymentInfo>> {
    return this.#deployments.details();
  }

  /** The circuit state of every node of a flow's deployed plan that has a circuit breaker (its sinks). */
  async circuits(flowId: string): Promise<Array<{ nodeId: string; type: string; state: BreakerState['state'] }>> {
    const plan = await this.currentPlan(flowId);
    const guarded = Object.values(plan?.nodes ?? {}).filter((node) => node.policy.circuitBreaker);
    return Promise.all(guarded.map(async (node) => ({ nodeId: node.id, type: node.type, state: (await this.#breakers.state(flowId, node.id)).state })));
  }

  /** Waiting work of a flow, timers not counted: what back-pressure is measured on (engine/backlog.ts). */
  backlog(flowId: string): Promise<number> {
    return this.#backlog.of(flowId);
  }

  /** Each live subscription member of a flow's source nodes, in every process: state and problem. */
  sourceStatus(flowId: string): Promise<SourceStatus[]> {
    return this.#sourceStatus.list(flowId);
  }

  #ingestDeps(): IngestDeps {
    const { redis, keys, runs } = this;
    return { redis, keys, runs, tracer: this.#tracer, retention: this.#retention, sources: this.#sources, backlog: (id) => this.backlog(id), queue: (id) => this.queue(id), memory: this.#memory };
  }

  async #deployedPlan(flowId: string): Promise<Plan> {
    this.#refuseWhileRedisDown();
    const plan = await this.currentPlan(flowId);
    if (!plan) throw new NotDeployedError(`flow "${flowId}" is not deployed`);
    return plan;
  }

  /**
   * Takes a message in at an intake source node (default) or a trigger of a deployed flow:
   * durably enqueued before it returns.
   */
  async ingest(flowId: string, request: Omit<IngestRequest, 'kind'> & { kind?: IngestRequest['kind'] }): Promise<IngestResult> {
    const plan = await this.#deployedPlan(flowId);
    return ingest(this.#ingestDeps(), plan, { kind: 'intake', ...request });
  }

  /**
   * A request for a deployed flow's intake sources (`/hooks/<flowId>/…`): the source that takes it
   * answers once its message is durably enqueued. Throws NotDeployedError, NoIntakeError (no intake
   * has the path), an intake's IntakeError, and ingest's errors (back-pressure, Redis down).
   */
  async intake(flowId: string, request: IntakeRequest): Promise<IntakeResult> {
    const plan = await this.#deployedPlan(flowId);
    return offerIntake({ ...this.#ingestDeps(), credentials: this.credentials, log: this.log }, plan, request);
  }

  /**
   * The reply an http-reply node stored for `runId` (request-reply webhooks), waiting for it until
   * `startedAt + withinMs` — the run's own start when `startedAt` isn't given (a repeat waits out
   * what is left of the first request's time). Undefined once the time is up.
   */
  async reply(flowId: string, runId: string, withinMs: number, options: { startedAt?: number; signal?: AbortSignal } = {}): Promise<StoredReply | undefined> {
    const startedAt = options.startedAt ?? (await this.runs.getRun(flowId, runId))?.summary.startedAt ?? Date.now();
    return waitForReply(this.redis, this.keys, () => this.currentPlan(flowId), runId, startedAt + withinMs, options.signal);
  }

  /**
   * Starts a run at a trigger source node (inject), with the given payload or the node's own. A
   * repeated `idempotencyKey` returns the first run (`duplicate: true`) instead of starting another.
   */
  async trigger(flowId: string, nodeId: string, payload?: unknown, options: { idempotencyKey?: string } = {}): Promise<IngestResult> {
    const plan = await this.#deployedPlan(flowId);
    const node = nodeOf(plan, nodeId);
    const source = node && sourceOf(this.#sources, node, 'trigger');
    const given = payload === undefined ? (source && node ? source.payload(node.config) : null) : payload;
    return ingest(this.#ingestDeps(), plan, { nodeId, payload: given, kind: 'trigger', ...options });
  }

  /** A subscription's emission: its run started on `plan`, whatever the backlog (the contract's brake is pause). */
  async #emit(plan: Plan, nodeId: string, emission: { key: string; payload: unknown; attrs?: Record<string, unknown> }): Promise<EmitResult> {
    this.#refuseWhileRedisDown();
    const id = sourceMessageId(plan.flowId, nodeId, emission.key);
    const first = await startSourceRun(this.#ingestDeps(), plan, nodeId, { id, payload: emission.payload ?? null, ...(emission.attrs && { attrs: emission.attrs }) });
    return { runId: id, duplicate: !first };
  }

  /**
   * The engine's connection waits out a Redis outage (workers and jobs need that), so an ingest
   * would hang until Redis is back — forever if it never is. Intake answers a caller, so it
   * refuses at once while the connection is down (found by crash-redis.test.ts). A call already
   * under way when Redis goes down completes once Redis is back.
   */
  #refuseWhileRedisDown(): void {
    if (this.redis.status !== 'ready') throw new RedisUnavailableError(`Redis is unreachable (connection ${this.redis.status}); retry shortly`);
  }

  /** Keeps this process's workers in line with the deployments. */
  async #follow(change: DeploymentChange): Promise<void> {
    if (this.#closed) return;
    // The deployed revision's plan must outlive `plansSec`: every process refreshes its TTL at
    // each resync, so only superseded and undeployed revisions expire (plansSec after the last
    // refresh). Before, it expired plansSec after its deploy, and a process started later found
    // a deployed flow without a plan.
    const deployment = deployedOf(change);
    if (deployment !== undefined) await this.#plans.touch(change.flowId, deployment).catch(() => undefined);
    await this.#ensureTimetables(change);
    // Subscriptions before workers: an undeployed flow's members stop emitting before it drains.
    await this.#syncSubscriptions(change);
    if (this.options.workers === false) return;
    const running = this.#workers.get(change.flowId);
    if ((change.revision !== undefined || change.draining) && !running) {
      this.#workers.set(change.flowId, detachedFromCaller(() => this.#startWorker(change.flowId)));
    }
    if (change.draining) this.#drains.start(change.flowId);
    else if (change.revision === undefined && running) {
      // Drained (by any process): nothing is left, so this closes at once.
      this.#workers.delete(change.flowId);
      await running.drainAndClose();
    }
  }

  /** Deploy and undeploy are resumable: each re-read repairs the timetables a crash left half-done. */
  async #ensureTimetables(change: DeploymentChange): Promise<void> {
    try {
      const deployment = deployedOf(change);
      if (deployment === undefined) return await this.#timetables.stop(change.flowId);
      const { flowId } = change;
      const { plan } = await this.#plans.load(flowId, deployment);
      await this.#timetables.ensure(plan, async () => {
        const current = await this.#deployments.current(flowId);
        return current !== undefined && deploymentOf(current) === deployment;
      });
    } catch (error) {
      this.log.warn({ flowId: change.flowId, err: (error as Error).message }, 'could not check the flow\'s schedulers; the next re-read tries again');
    }
  }

  async #syncSubscriptions(change: DeploymentChange): Promise<void> {
    if (!this.#subscriptions) return;
    let plan: Plan | undefined;
    const deployment = deployedOf(change);
    if (deployment !== undefined) {
      try {
        plan = (await this.#plans.load(change.flowId, deployment)).plan;
      } catch (error) {
        // Left as they are; the next resync (seconds) tries again.
        this.log.warn({ flowId: change.flowId, revision: change.revision, err: (error as Error).message }, 'could not load the deployed plan for its subscriptions');
        return;
      }
    }
    await this.#subscriptions.sync(change.flowId, plan);
  }

  #startWorker(flowId: string): FlowWorker {
    return new FlowWorker({
      queue: this.queue(flowId),
      connection: { url: this.options.redisUrl },
      prefix: this.keys.prefix,
      concurrency: this.options.concurrency ?? 16,
      timings: { ...DEFAULT_WORKER_TIMINGS, ...this.options.timings },
      process: this.#process,
      deadLetterFailed: failedJobHandler({ plans: this.#plans, deadLetters: this.deadLetters, runs: this.runs, tracer: this.#tracer, log: this.log }),
      log: this.log,
    });
  }

  /** Closes workers (letting running jobs finish unless `force`), queues and connections. */
  async close(force = false): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#redriver?.stop();
    await this.#deployments.stop();
    await this.#drains.stop();
    await this.#subscriptions?.stopAll();
    await Promise.all([...this.#workers.values()].map((w) => w.close(force)));
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    // The Kafka producers are shared by the process; one closed here reconnects on next use.
    await closeProducers();
    this.redis.disconnect();
  }
}
