/**
 * A saga's progress for one message, kept in the node's state after every step and every
 * compensation, so that a delivery run again (a crash, a retry, a dead-letter replay) resumes
 * where the last one stopped: completed steps are not called again — their results come from
 * here — and compensations already done are not repeated.
 */
import type { Message, NodeContext } from '../../runtime';
import type { SagaConfig } from './spec';

/**
 * How long progress is kept beyond the dead letters' own TTL (`ctx.replayableSec`): a saga is
 * dead-lettered only after its retries, which run after its last save, so the progress must
 * outlive the letter by at least that long — a week covers any retry policy a person would set.
 * A replay on the letter's last day then still resumes instead of re-running completed steps.
 */
export const PROGRESS_MARGIN_SEC = 7 * 86_400;

/** Why a step (or compensation) failed for good. */
export interface StepError {
  message: string;
  /** `HTTP_<status>`, an expression's code (`T2001`), or the HTTP client's code. */
  code?: string;
  /** The answer's status and body, when the other side answered. */
  status?: number;
  body?: unknown;
  /** Calls made, the first included. */
  attempts: number;
}

/** A 2xx answer: what `$steps.<name>` reads. */
export interface StepResult {
  status: number;
  body: unknown;
}

/** A step in `completed`: its answer, or — for a step with `onFailure: continue` that failed — its error. */
export type CompletedStep = { name: string } & (StepResult | { error: StepError });

export interface SagaProgress {
  /** `forward`: running the steps; `compensating`: unwinding; `done`: emitted (or about to be). */
  phase: 'forward' | 'compensating' | 'done';
  /** In the order they ran. */
  completed: CompletedStep[];
  /** Compensations done, in the order they ran. */
  compensated: Array<{ name: string } & StepResult>;
  /** The step whose failure made the saga unwind. */
  failed?: { step: string; error: StepError };
}

export const succeeded = (step: CompletedStep): step is { name: string } & StepResult => !('error' in step);

/** Progress is kept per message: a redelivery and a replay carry the same message id. */
const keyOf = (message: Message) => `progress:${message.id}`;

export async function loadProgress(ctx: NodeContext<SagaConfig>, message: Message): Promise<SagaProgress> {
  return (await ctx.state.get<SagaProgress>(keyOf(message))) ?? { phase: 'forward', completed: [], compensated: [] };
}

export async function saveProgress(ctx: NodeContext<SagaConfig>, message: Message, progress: SagaProgress): Promise<void> {
  await ctx.state.set(keyOf(message), progress, ctx.replayableSec + PROGRESS_MARGIN_SEC);
}

/** `$steps` and the `steps` of an emission: name → `{ status, body }` (or `{ error }`). */
export function stepsObject(records: readonly CompletedStep[]): Record<string, unknown> {
  return Object.fromEntries(records.map(({ name, ...rest }) => [name, rest]));
}

/** A completed step to undo; `step` is absent when the config no longer names it (redeployed while stuck). */
export interface PendingCompensation {
  name: string;
  /** Its place among the configured steps, from 0; -1 when `step` is absent. */
  index: number;
  step?: SagaConfig['steps'][number];
}

/**
 * The completed steps still to undo, last completed first: those that succeeded, have a
 * compensation and haven't been compensated yet.
 */
export function pendingCompensations(config: SagaConfig, progress: SagaProgress): PendingCompensation[] {
  const done = new Set(progress.compensated.map((c) => c.name));
  const pending: PendingCompensation[] = [];
  for (const record of [...progress.completed].reverse()) {
    if (!succeeded(record) || done.has(record.name)) continue;
    const index = config.steps.findIndex((s) => s.name === record.name);
    const step = config.steps[index];
    if (!step) pending.push({ name: record.name, index: -1 });
    else if (step.compensation) pending.push({ name: record.name, index, step });
  }
  return pending;
}
