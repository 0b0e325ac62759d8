/**
 * Subscription sources (nodes/source-contract.ts: kafka-consume, or any long-running reader) in
 * one engine process: one member per subscription node of each deployed flow, kept in line with
 * the deployments this process follows (engine.ts `#follow`) — started on deploy, replaced on
 * redeploy, stopped on undeploy and shutdown — and held back while the flow's backlog is at its
 * bound (paused; resumed once it is below).
 *
 * Changes to one flow's members run one after another (a chain per flow), so a redeploy's stop of
 * the old members is done before the new ones start. A start is not awaited by the chain: a
 * member that takes long to connect holds up nothing; its stop aborts its signal and waits for it.
 *
 * A member that fails (its start throws, or it calls `ctx.fail`) is stopped, reported, and
 * started afresh after `restartAfterMs`, as long as its flow's revision is still deployed.
 */
import type { Credentials, NodeState } from '../nodes/runtime';
import type { EmitResult, PartitionLag, SourceEmission, Subscription, SubscriptionContext, SubscriptionSource } from '../nodes/source-contract';
import { nodeLogger, type Pino } from './logger';
import type { Plan, PlanNode } from './plan';
import { sourceNodes, type SourceRegistry } from './source-nodes';
import { MAX_STATUS_REFRESH_MS, type MemberState, type SourceStatusStore } from './stores/source-status';

export interface SubscriptionTimings {
  /** How often the backlog is looked at while members run (besides after emits). */
  backpressureCheckMs: number;
  /** How long a failed member waits before it is started again. */
  restartAfterMs: number;
  /** How often each member's state is rewritten, with its lag asked anew (at most MAX_STATUS_REFRESH_MS). */
  statusRefreshMs: number;
}

export const DEFAULT_SUBSCRIPTION_TIMINGS: SubscriptionTimings = { backpressureCheckMs: 500, restartAfterMs: 5_000, statusRefreshMs: 5_000 };

export interface SubscriptionDeps {
  sources: SourceRegistry;
  /** This engine process, unique among processes. */
  processId: string;
  log: Pino;
  credentials: Credentials;
  state(flowId: string, nodeId: string): NodeState;
  /** Starts the run of an emission on `plan`; resolves once durably enqueued. */
  emit(plan: Plan, nodeId: string, emission: SourceEmission & { key: string }): Promise<EmitResult>;
  backlog(flowId: string): Promise<number>;
  status: SourceStatusStore;
  timings: SubscriptionTimings;
}

/** An emit of a member that is being stopped: nothing was enqueued. */
export class SourceStoppedError extends Error {
  override readonly name = 'SourceStoppedError';
}

interface Member {
  readonly node: PlanNode;
  readonly source: SubscriptionSource<any>;
  readonly controller: AbortController;
  state: MemberState;
  since: number;
  problem?: string;
  lag?: PartitionLag[];
  subscription?: Subscription;
  /** The start under way or done; a stop waits for it. */
  started?: Promise<void>;
  stopping?: Promise<void>;
  restart?: NodeJS.Timeout;
}

interface FlowMembers {
  readonly plan: Plan;
  readonly members: Map<string, Member>;
  paused: boolean;
  checking?: Promise<void>;
  checkAgain: boolean;
  /** A refresh under way: a slow `lag()` must not pile refreshes up. */
  refreshing: boolean;
  readonly timers: NodeJS.Timeout[];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class Subscriptions {
  readonly #flows = new Map<string, FlowMembers>();
  readonly #chains = new Map<string, Promise<void>>();
  #closed = false;

  constructor(private readonly deps: SubscriptionDeps) {}

  /** Runs `change` after every earlier change of the flow. */
  #chain(flowId: string, change: () => Promise<void>): Promise<void> {
    const next = (this.#chains.get(flowId) ?? Promise.resolve()).then(change).catch((error: unknown) => {
      this.deps.log.error({ flowId, err: messageOf(error) }, 'subscription change failed');
    });
    this.#chains.set(flowId, next);
    void next.finally(() => {
      if (this.#chains.get(flowId) === next) this.#chains.delete(flowId);
    });
    return next;
  }

  /**
   * Brings the flow's members in line with `plan` (undefined: not deployed). Idempotent: called
   * for every deployment change and every resync.
   */
  sync(flowId: string, plan: Plan | undefined): Promise<void> {
    return this.#chain(flowId, async () => {
      const current = this.#flows.get(flowId);
      if (this.#closed || !plan) {
        if (current) await this.#stopFlow(flowId, current);
        return;
      }
      if (current?.plan.deployment === plan.deployment) return;
      if (current) await this.#stopFlow(flowId, current);
      const nodes = sourceNodes(plan, this.deps.sources, 'subscription');
      if (nodes.length === 0) return;
      const flow: FlowMembers = { plan, members: new Map(), paused: false, checkAgain: false, refreshing: false, timers: [] };
      this.#flows.set(flowId, flow);
      flow.timers.push(setInterval(() => this.#check(flow), this.deps.timings.backpressureCheckMs));
      flow.timers.push(setInterval(() => void this.#refresh(flow), Math.min(this.deps.timings.statusRefreshMs, MAX_STATUS_REFRESH_MS)));
      for (const timer of flow.timers) timer.unref();
      this.#check(flow);
      for (const { node, source } of nodes) this.#start(flow, node, source);
    });
  }

  /** On shutdown: every member stopped. */
  async stopAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#flows.keys()].map((flowId) => this.sync(flowId, undefined)));
  }

  #start(flow: FlowMembers, node: PlanNode, source: SubscriptionSource<any>): void {
    const member: Member = { node, source, controller: new AbortController(), state: 'starting', since: Date.now() };
    flow.members.set(node.id, member);
    this.#put(flow, member);
    member.started = (async () => {
      try {
        const subscription = await source.start(this.#context(flow, member));
        member.subscription = subscription;
        if (member.controller.signal.aborted) return; // stopped while starting: the stop ends it
        if (flow.paused) await subscription.pause();
        this.#enter(flow, member, flow.paused ? 'paused' : 'running');
        this.#log(flow, member).info({ processId: this.deps.processId }, 'subscription started');
      } catch (error) {
        this.#failed(flow, member, error);
      }
    })();
  }

  #context(flow: FlowMembers, member: Member): SubscriptionContext<any> {
    const { plan } = flow;
    const { node } = member;
    const signal = member.controller.signal;
    return {
      flowId: plan.flowId,
      revision: plan.revision,
      nodeId: node.id,
      config: node.config,
      log: nodeLogger(this.deps.log, { flowId: plan.flowId, nodeId: node.id, revision: plan.revision }),
      credentials: this.deps.credentials,
      state: this.deps.state(plan.flowId, node.id),
      processId: this.deps.processId,
      signal,
      emit: async (emission) => {
        if (signal.aborted) throw new SourceStoppedError(`the subscription of node "${node.id}" is stopping: nothing enqueued`);
        const result = await this.deps.emit(plan, node.id, emission);
        this.#check(flow);
        return result;
      },
      report: (problem) => {
        if (signal.aborted || problem === member.problem) return;
        if (problem === undefined) this.#log(flow, member).info({ was: member.problem }, 'subscription problem resolved');
        else this.#log(flow, member).warn({ problem }, 'subscription problem');
        member.problem = problem;
        this.#put(flow, member);
      },
      fail: (error) => this.#failed(flow, member, error),
    };
  }

  #log(flow: FlowMembers, member: Member): Pino {
    return this.deps.log.child({ flowId: flow.plan.flowId, nodeId: member.node.id, revision: flow.plan.revision });
  }

  /** A member that can't go on: stopped, reported, and started again later if still deployed. */
  #failed(flow: FlowMembers, member: Member, error: unknown): void {
    if (member.controller.signal.aborted) return;
    const problem = messageOf(error);
    this.#log(flow, member).error({ err: problem, restartInMs: this.deps.timings.restartAfterMs }, 'subscription failed; it will be started again');
    member.problem = problem;
    this.#enter(flow, member, 'failed');
    void this.#stopMember(member, false).then(() => {
      if (this.#flows.get(flow.plan.flowId) !== flow || flow.members.get(member.node.id) !== member) return;
      member.restart = setTimeout(() => {
        void this.#chain(flow.plan.flowId, async () => {
          if (this.#closed || this.#flows.get(flow.plan.flowId) !== flow || flow.members.get(member.node.id) !== member) return;
          this.#start(flow, member.node, member.source);
        });
      }, this.deps.timings.restartAfterMs);
      member.restart.unref();
    });
  }

  /** Aborts the member's signal, waits for its start, then stops what it started. Never throws. */
  #stopMember(member: Member, clearRestart = true): Promise<void> {
    if (clearRestart) clearTimeout(member.restart);
    member.stopping ??= (async () => {
      member.controller.abort();
      await member.started;
      try {
        await member.subscription?.stop();
      } catch (error) {
        this.deps.log.warn({ nodeId: member.node.id, err: messageOf(error) }, 'subscription did not stop cleanly');
      }
    })();
    return member.stopping;
  }

  async #stopFlow(flowId: string, flow: FlowMembers): Promise<void> {
    this.#flows.delete(flowId);
    for (const timer of flow.timers) clearInterval(timer);
    const members = [...flow.members.values()];
    await Promise.all(members.map((member) => this.#stopMember(member)));
    await Promise.all(members.map((member) => this.deps.status.remove(flowId, { nodeId: member.node.id, process: this.deps.processId }).catch(() => undefined)));
    this.deps.log.info({ flowId, revision: flow.plan.revision, members: members.length }, 'subscriptions stopped');
  }

  /** Pauses or resumes the flow's members from its backlog; one look at a time, repeated if asked meanwhile. */
  #check(flow: FlowMembers): void {
    if (flow.checking) {
      flow.checkAgain = true;
      return;
    }
    flow.checking = (async () => {
      do {
        flow.checkAgain = false;
        if (this.#flows.get(flow.plan.flowId) !== flow) return;
        const backlog = await this.deps.backlog(flow.plan.flowId);
        const over = backlog >= flow.plan.backlogLimit;
        if (over === flow.paused) continue;
        flow.paused = over;
        this.deps.log.info({ flowId: flow.plan.flowId, backlog, limit: flow.plan.backlogLimit }, over ? 'subscriptions paused: the flow\'s backlog is at its bound' : 'subscriptions resumed');
        for (const member of flow.members.values()) await this.#brake(flow, member, over);
      } while (flow.checkAgain);
    })()
      // Debug only: during a Redis outage this fails at every look, and the outage is logged elsewhere.
      .catch((error: unknown) => this.deps.log.debug({ flowId: flow.plan.flowId, err: messageOf(error) }, 'could not look at the backlog'))
      .finally(() => (flow.checking = undefined));
  }

  async #brake(flow: FlowMembers, member: Member, pause: boolean): Promise<void> {
    const { subscription } = member;
    if (!subscription || member.controller.signal.aborted || (member.state !== 'running' && member.state !== 'paused')) return;
    try {
      await (pause ? subscription.pause() : subscription.resume());
      this.#enter(flow, member, pause ? 'paused' : 'running');
    } catch (error) {
      this.#failed(flow, member, error);
    }
  }

  #enter(flow: FlowMembers, member: Member, state: MemberState): void {
    if (member.state === state) return;
    member.state = state;
    member.since = Date.now();
    this.#put(flow, member);
  }

  /** Each member's state written again (so it isn't taken for a vanished process's), with its lag. */
  async #refresh(flow: FlowMembers): Promise<void> {
    if (flow.refreshing) return;
    flow.refreshing = true;
    try {
      await this.#refreshMembers(flow);
    } finally {
      flow.refreshing = false;
    }
  }

  async #refreshMembers(flow: FlowMembers): Promise<void> {
    for (const member of flow.members.values()) {
      const { subscription } = member;
      if (subscription?.lag && (member.state === 'running' || member.state === 'paused')) {
        try {
          member.lag = await subscription.lag();
        } catch (error) {
          this.#log(flow, member).debug({ err: messageOf(error) }, 'could not read the subscription\'s lag');
        }
      }
      this.#put(flow, member);
    }
  }

  #put(flow: FlowMembers, member: Member): void {
    // A stopped flow's entries are removed; a write landing after that would outlive it.
    if (this.#flows.get(flow.plan.flowId) !== flow || (member.controller.signal.aborted && member.state !== 'failed')) return;
    const nodeId = member.node.id;
    const revision = flow.plan.revision;
    void this.deps.status
      .put(flow.plan.flowId, {
        nodeId,
        process: this.deps.processId,
        revision,
        state: member.state,
        since: member.since,
        ...(member.problem !== undefined && { problem: member.problem }),
        ...(member.lag !== undefined && { lag: member.lag }),
      })
      .catch((error: unknown) => this.deps.log.debug({ flowId: flow.plan.flowId, nodeId, err: messageOf(error) }, 'could not record a subscription state'));
  }
}
