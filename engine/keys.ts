/**
 * Where everything lives in Redis. One hash tag per flow (`{flowId}`), BullMQ's own convention, so
 * a flow's queue and all of its state land on one Redis Cluster shard — multi-key scripts stay
 * legal there — while different flows spread over shards. Every key below either has a TTL or
 * is capped by the code that writes it: Redis runs with `noeviction`, so an unbounded key is an
 * outage waiting to happen.
 */

export class Keys {
  /** @param prefix Namespace of every key; tests use a fresh one each. */
  constructor(readonly prefix: string = 'trib') {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new Error(`key prefix "${prefix}" must be 1-64 of A-Z a-z 0-9 _ . -`);
  }

  /** BullMQ queue name of a flow; with `prefix` as BullMQ's prefix its keys are `prefix:{flowId}:…`. */
  queueName(flowId: string): string {
    return `{${flowId}}`;
  }

  private flow(flowId: string): string {
    return `${this.prefix}:{${flowId}}`;
  }

  /** JSON of the compiled plan of one deployment (`Plan.deployment`; a bare revision before those existed). */
  plan(flowId: string, deployment: string): string {
    return `${this.flow(flowId)}:plan:${deployment}`;
  }


  /** Hash flowId → revision of every deployed flow: what a starting worker process picks up. */
  deployments(): string {
    return `${this.prefix}:deployments`;
  }

  /**
   * Hash flowId → since (ms) of every undeployed flow whose queue is not yet empty: every engine
   * process with workers drains it (engine/deployments.ts). At most one field per flow, removed
   * once drained.
   */
  draining(): string {
    return `${this.prefix}:draining`;
  }

  /** Marker that a job ran to its end (outputs enqueued, run accounted): outlives BullMQ's job. */
  done(flowId: string, jobId: string): string {
    return `${this.flow(flowId)}:done:${jobId}`;
  }

  /** BullMQ's hash of one job of the flow's queue (BullMQ names it `<prefix>:<queue name>:<job id>`). */
  job(flowId: string, jobId: string): string {
    return `${this.prefix}:${this.queueName(flowId)}:${jobId}`;
  }

  /** The downstream deliveries (set of their job ids) a job reserved in its run before enqueueing them. */
  reserved(flowId: string, jobId: string): string {
    return `${this.flow(flowId)}:reserved:${jobId}`;
  }

  /** Marker that a dead-letter replay already reopened its run: one reopen per replay token. */
  reopened(flowId: string, token: string): string {
    return `${this.flow(flowId)}:reopened:${token}`;
  }

  /** Marker that a node already processed an idempotency key. */
  idempotency(flowId: string, nodeId: string, keyHash: string): string {
    return `${this.flow(flowId)}:idem:${nodeId}:${keyHash}`;
  }

  /** Marker that a keyed emission (`Emission.key`) went downstream, holding the job that sent it. */
  emitted(flowId: string, messageId: string): string {
    return `${this.flow(flowId)}:emitted:${messageId}`;
  }

  /** Sorted set: timer job id → due time (ms) of the flow's pending timers (engine/backlog.ts). */
  timers(flowId: string): string {
    return `${this.flow(flowId)}:timers`;
  }

  /** Marker that a webhook already accepted an idempotency header, holding the run id. */
  ingested(flowId: string, nodeId: string, keyHash: string): string {
    return `${this.flow(flowId)}:ingested:${nodeId}:${keyHash}`;
  }

  /** Hash: circuit-breaker state of one node, shared by every worker. */
  breaker(flowId: string, nodeId: string): string {
    return `${this.flow(flowId)}:breaker:${nodeId}`;
  }

  /** Sorted set of dead-letter ids by time. */
  deadLetters(flowId: string): string {
    return `${this.flow(flowId)}:dlq`;
  }

  /** Hash: dead-letter id → node id, beside the index (same cap and TTL), for counts per node. */
  deadLetterNodes(flowId: string): string {
    return `${this.flow(flowId)}:dlqnodes`;
  }

  /** JSON of one dead letter. */
  deadLetter(flowId: string, id: string): string {
    return `${this.flow(flowId)}:dlq:${id}`;
  }

  /** Sorted set of run ids by start time (capped). */
  runs(flowId: string): string {
    return `${this.flow(flowId)}:runs`;
  }

  /** Hash: a run's summary and counters (pending messages, outcomes). */
  run(flowId: string, runId: string): string {
    return `${this.flow(flowId)}:run:${runId}`;
  }

  /** List: a run's trace events (capped). */
  runEvents(flowId: string, runId: string): string {
    return `${this.flow(flowId)}:run:${runId}:events`;
  }

  /** Durable state of one node (merge windows, saga progress, poll cursors). */
  nodeState(flowId: string, nodeId: string, key: string): string {
    return `${this.flow(flowId)}:state:${nodeId}:${key}`;
  }

  /** Hash: the flow's Prometheus counts (stores/metrics.ts), shared by every process. */
  metrics(flowId: string): string {
    return `${this.flow(flowId)}:metrics`;
  }

  /**
   * Hash `<nodeId> <processId>` → JSON state of one subscription member (stores/source-status.ts).
   * TTL refreshed on each write; at most one field per member (source node × engine process).
   */
  sourceStatus(flowId: string): string {
    return `${this.flow(flowId)}:sources`;
  }

  /** Pub/sub channel of every trace event (any process can relay them). */
  traceChannel(): string {
    return `${this.prefix}:trace`;
  }

  /** Pub/sub channel of deployment changes, so every engine process follows them. */
  controlChannel(): string {
    return `${this.prefix}:control`;
  }

  /** Hash name → encrypted credential. */
  credentials(): string {
    return `${this.prefix}:credentials`;
  }

  /** Hash name → flow variable (engine/variables.ts), capped in count and value size. */
  variables(): string {
    return `${this.prefix}:variables`;
  }

  /** Hash of engine-wide settings shared by every process (outbound-HTTP policy, retention). */
  settings(): string {
    return `${this.prefix}:settings`;
  }
}
