/**
 * Timetable sources (nodes/source-contract.ts: schedule, http-poll) start runs on a timetable,
 * through BullMQ job schedulers. Each such node of the deployed plan has one scheduler on the
 * flow's queue (`tick-<nodeId>`): `every` for an interval, `pattern` + `tz` for cron. A scheduler lives in
 * Redis and keeps exactly one pending job; the worker that takes it has BullMQ add the next
 * iteration. So however many engine processes run, a tick is one job that one of them takes.
 *
 * A tick job is not a delivery. The processor hands it here, and it starts a run just as intake
 * does (`startSourceRun`): the source message's id derives from the node and the tick's
 * scheduled time, so a tick handled twice (a re-run after a crash, the catch-up below) starts one
 * run and enqueues one delivery. The node then runs as a delivery like any other, under its policy.
 *
 * Lifecycle: the process that deploys upserts the plan's schedulers (a redeploy updates their
 * timetable and template; an unchanged interval keeps its phase) and removes those of nodes gone
 * or disabled; undeploy removes them all before the flow drains. Both are resumable: every engine
 * process checks them at each re-read of the deployments (`ensure`, seconds) and repairs what a
 * crash or a Redis error half-way left — a deployed flow without its schedulers, or an undeployed
 * one with them.
 *
 * Missed ticks. While no worker runs, the pending job waits, overdue, and no later iteration is
 * produced. A tick that fires more than `misfireMs` after its time therefore stands for ticks
 * missed while nothing ran, and the timetable's `missed` decides: `skip` drops it, `run` and
 * `run-once` run it — one catch-up run however many were missed (a schedule's `missed: skip` or
 * `run-once`; http-poll always runs it, one poll catches up on everything). A redeploy may
 * replace an overdue pending job (a cron's next time is computed from now); for `run-once` the
 * deploy then enqueues the catch-up tick itself, with the overdue time, so that it still counts once.
 *
 * Back-pressure ("http-poll waits"): a tick of a flow whose backlog is at its bound starts no run
 * (logged). A source's own continuation — an http-poll's next page, a timer delivery — waits,
 * delayed, until the backlog is below the bound, and is dropped once the flow is undeployed.
 */
import { type Job, type JobSchedulerTemplateOptions, type RepeatOptions } from 'bullmq';
import type { Timetable } from '../nodes/source-contract';
import { BACKOFF_TYPE } from './backoff';
import type { Delivery } from './delivery';
import { startSourceRun, type IngestDeps } from './ingest';
import type { Pino } from './logger';
import { keyHash, sourceMessageId } from './message-id';
import { nodeOf, type Plan, type PlanNode } from './plan';
import { sourceNodes, sourceOf, type SourceRegistry } from './source-nodes';

/** BullMQ name of tick jobs: the processor tells them from deliveries by it. */
export const TICK_JOB_NAME = '$tick';

/** Default of `EngineOptions.misfireMs`: as Quartz's misfire threshold, a minute. */
export const DEFAULT_MISFIRE_MS = 60_000;

/** How long a source's continuation waits before it looks at the backlog again. */
const BACKPRESSURE_RECHECK_MS = 1_000;

/** Scheduler ids start with this; other schedulers on the queue, if any, are left alone. */
const SCHEDULER_PREFIX = 'tick-';

/** What a tick job carries in place of a delivery. */
export interface Tick {
  tick: true;
  flowId: string;
  node: string;
  /** The revision deployed when the scheduler was last upserted; a tick runs on the deployed one. */
  revision: number;
  /** The deployment (`Plan.deployment`) it was upserted for: tells a repair what to compare. */
  deployment?: string;
  /** A catch-up enqueued by a deploy names the overdue time; a scheduler's job has it in its id. */
  scheduledAt?: number;
  catchUp?: true;
}

export interface SourceDeps extends Pick<IngestDeps, 'runs' | 'tracer' | 'retention' | 'queue' | 'backlog'> {
  currentPlan(flowId: string): Promise<Plan | undefined>;
  sources: SourceRegistry;
  log: Pino;
  /** A tick later than this after its scheduled time counts as missed. */
  misfireMs: number;
}

/** What became of a tick: BullMQ keeps it as the tick job's return value. */
export type TickOutcome =
  | { outcome: 'started'; runId: string }
  | { outcome: 'missed' | 'undeployed' }
  | { outcome: 'backlog'; backlog: number; limit: number };

export const isTickJob = (job: Job<unknown>): boolean => job.name === TICK_JOB_NAME && (job.data as Partial<Tick> | undefined)?.tick === true;

const schedulerId = (nodeId: string): string => `${SCHEDULER_PREFIX}${nodeId}`;

/** BullMQ names a scheduler's jobs `repeat:<scheduler id>:<scheduled time in ms>`. */
function scheduledTimeOf(jobId: string | undefined): number | undefined {
  const match = /^repeat:.+:(\d+)$/.exec(jobId ?? '');
  return match ? Number(match[1]) : undefined;
}

/** BullMQ's repeat options for a timetable. */
const repeatOf = (timetable: Timetable): Omit<RepeatOptions, 'key'> =>
  'cron' in timetable ? { pattern: timetable.cron, ...(timetable.timezone !== undefined && { tz: timetable.timezone }) } : { every: timetable.everyMs };

export class Timetables {
  constructor(private readonly deps: SourceDeps) {}

  /** The enabled timetable nodes of `plan`, each with its timetable. */
  #nodes(plan: Plan): Array<{ node: PlanNode; timetable: Timetable }> {
    return sourceNodes(plan, this.deps.sources, 'timetable').map(({ node, source }) => ({ node, timetable: source.timetable(node.config) }));
  }

  /** Tick jobs retry a failed start a few times; they leave BullMQ like deliveries do. */
  #tickOpts(): JobSchedulerTemplateOptions {
    const { completedJobs } = this.deps.retention;
    return { attempts: 3, backoff: { type: BACKOFF_TYPE }, removeOnComplete: { count: completedJobs.count, age: completedJobs.ageSec }, removeOnFail: false };
  }

  /** On deploy (and redeploy): one scheduler per timetable node of `plan`, none for other nodes. */
  async sync(plan: Plan): Promise<void> {
    const queue = this.deps.queue(plan.flowId);
    const wanted = new Set<string>();
    for (const { node, timetable } of this.#nodes(plan)) {
      const id = schedulerId(node.id);
      wanted.add(id);
      if (timetable.missed === 'run-once') await this.#catchUp(plan, node, id);
      const tick: Tick = { tick: true, flowId: plan.flowId, node: node.id, revision: plan.revision, deployment: plan.deployment };
      // The queue is typed by deliveries; a tick travels on it under its own job name.
      await queue.upsertJobScheduler(id, repeatOf(timetable), { name: TICK_JOB_NAME, data: tick as unknown as Delivery, opts: this.#tickOpts() });
    }
    for (const scheduler of await queue.getJobSchedulers()) {
      if (scheduler.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
    }
  }

  /**
   * At every re-read of the deployments: `plan`'s schedulers as `sync` leaves them, repaired only
   * when they are not (one read when all is well). `stillDeployed` is asked before a repair, so
   * that a re-read that raced a newer deploy doesn't put an older timetable back.
   */
  async ensure(plan: Plan, stillDeployed: () => Promise<boolean>): Promise<void> {
    const schedulers = new Map((await this.deps.queue(plan.flowId).getJobSchedulers()).filter((s) => s.key.startsWith(SCHEDULER_PREFIX)).map((s) => [s.key, s]));
    const wanted = this.#nodes(plan);
    const intact =
      schedulers.size === wanted.length &&
      wanted.every(({ node, timetable }) => {
        const s = schedulers.get(schedulerId(node.id));
        const repeat = repeatOf(timetable);
        const tick = s?.template?.data as Partial<Tick> | undefined;
        return s !== undefined && tick?.deployment === plan.deployment && s.every === repeat.every && s.pattern === repeat.pattern && s.tz === repeat.tz;
      });
    if (intact || !(await stillDeployed())) return;
    // Also met while a deploy is still under way in another process: both syncs come to the same.
    this.deps.log.info({ flowId: plan.flowId, revision: plan.revision }, 'schedulers of the deployed flow re-established');
    await this.sync(plan);
  }

  /** On undeploy: no more ticks. Ticks already taken find the flow undeployed and start nothing. */
  async stop(flowId: string): Promise<void> {
    const queue = this.deps.queue(flowId);
    for (const scheduler of await queue.getJobSchedulers()) {
      if (scheduler.key.startsWith(SCHEDULER_PREFIX)) await queue.removeJobScheduler(scheduler.key);
    }
  }

  /**
   * Before an upsert that may replace an overdue pending tick: a `run-once` timetable gets that
   * tick as a catch-up job of its own. Its id derives from the node and the overdue time, so a
   * repeated deploy adds it once; and its message id is the one the overdue job would have had,
   * so if BullMQ kept that job after all, the two start one run.
   */
  async #catchUp(plan: Plan, node: PlanNode, id: string): Promise<void> {
    const next = (await this.deps.queue(plan.flowId).getJobScheduler(id))?.next;
    if (typeof next !== 'number' || Date.now() - next <= this.deps.misfireMs) return;
    const tick: Tick = { tick: true, flowId: plan.flowId, node: node.id, revision: plan.revision, scheduledAt: next, catchUp: true };
    await this.deps.queue(plan.flowId).add(TICK_JOB_NAME, tick as unknown as Delivery, { ...this.#tickOpts(), jobId: keyHash(`catch-up:${node.id}:${next}`) });
  }

  /** Handles one tick job: starts the node's run, unless the tick is to be skipped. */
  async handle(job: Job<Delivery>): Promise<TickOutcome> {
    const tick = job.data as unknown as Tick;
    const log = this.deps.log.child({ flowId: tick.flowId, nodeId: tick.node, jobId: job.id });
    const plan = await this.deps.currentPlan(tick.flowId);
    const node = plan && nodeOf(plan, tick.node);
    const source = node && sourceOf(this.deps.sources, node, 'timetable');
    if (!plan || !node || node.disabled || !source) {
      log.info('tick of a source that is no longer deployed: nothing started');
      return { outcome: 'undeployed' };
    }
    const scheduledAt = tick.scheduledAt ?? scheduledTimeOf(job.id) ?? job.timestamp;
    const firedAt = Date.now();
    const missed = tick.catchUp === true || firedAt - scheduledAt > this.deps.misfireMs;
    const times = { scheduledAt: new Date(scheduledAt).toISOString(), firedAt: new Date(firedAt).toISOString() };
    if (missed && source.timetable(node.config).missed === 'skip') {
      log.info(times, 'tick missed while no engine ran: skipped (missed: skip)');
      return { outcome: 'missed' };
    }
    const backlog = await this.#backlog(plan);
    if (backlog >= plan.backlogLimit) {
      log.warn({ ...times, backlog, limit: plan.backlogLimit }, 'tick skipped: the flow\'s backlog is at its bound');
      return { outcome: 'backlog', backlog, limit: plan.backlogLimit };
    }
    const runId = sourceMessageId(plan.flowId, node.id, `tick:${scheduledAt}`);
    await startSourceRun(this.deps, plan, node.id, { id: runId, payload: null, attrs: { ...times, ...(missed && { catchUp: true }) } });
    return { outcome: 'started', runId };
  }

  /**
   * Whether a source's own continuation (a delivery on its timer port) may run now on `plan`'s
   * flow: `drop` once the flow is undeployed, `wait` (with when to look again) while its backlog
   * is at the bound.
   */
  async continuation(plan: Plan): Promise<{ go: 'run' } | { go: 'drop' } | { go: 'wait'; untilMs: number }> {
    if (!(await this.deps.currentPlan(plan.flowId))) return { go: 'drop' };
    if ((await this.#backlog(plan)) >= plan.backlogLimit) return { go: 'wait', untilMs: Date.now() + BACKPRESSURE_RECHECK_MS };
    return { go: 'run' };
  }

  /** The flow's backlog, less each scheduler's own pending tick: those are no work waiting. */
  async #backlog(plan: Plan): Promise<number> {
    return Math.max(0, (await this.deps.backlog(plan.flowId)) - this.#nodes(plan).length);
  }
}
