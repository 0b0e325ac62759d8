/**
 * saga — runs the configured steps for each message, in order; when one fails for good, undoes
 * the completed ones in reverse with their compensations (a compensation stack, unwound last in
 * first out, each undo's failure logged). Contract and emitted shapes: see spec.ts.
 *
 * One delivery does the whole saga, resuming from the progress record (progress.ts) when the
 * engine runs it again:
 * - forward: each step not yet completed is called (steps.ts: its own timeout and retry); a
 *   success is recorded, a failure with `onFailure: continue` is recorded and passed over, any
 *   other failure switches to compensating;
 * - compensating: the compensations still pending run last completed first; each one done is
 *   recorded. One that fails after its retries makes the delivery fail — transient (the engine
 *   retries the delivery, which resumes the unwinding) or, for a refusal (4xx) or a broken
 *   expression, permanent — and when the engine gives up the saga is in the dead letters, stuck,
 *   its progress intact: a replay resumes the unwinding;
 * - done: the outcome is emitted from the record, so a re-run after a crash emits the same.
 * Progress is saved after every step and every compensation, never after the delivery was
 * aborted (a later attempt may already be running).
 */
import { PermanentError, TransientError } from '../../errors';
import type { Emission, Message, NodeContext, NodeRuntime } from '../../runtime';
import { compileHttpCall } from '../../shared/http-call';
import { loadProgress, pendingCompensations, saveProgress, stepsObject, type SagaProgress } from './progress';
import { callStep, interruptedAt } from './steps';
import type { SagaConfig } from './spec';

type Ctx = NodeContext<SagaConfig>;

export const runtime: NodeRuntime<SagaConfig> = {
  type: 'saga',
  prepare(ctx) {
    const names = new Set<string>();
    for (const step of ctx.config.steps) {
      // Validation refuses repeated names already; results are keyed by name, so make sure.
      if (names.has(step.name)) throw new PermanentError(`steps: the name "${step.name}" is used twice`, { code: 'DUPLICATE_STEP' });
      names.add(step.name);
      compileHttpCall(ctx, step.action, `steps.${step.name}.action.`);
      if (step.compensation) compileHttpCall(ctx, step.compensation, `steps.${step.name}.compensation.`);
    }
  },
  async run(ctx, message) {
    const progress = await loadProgress(ctx, message);
    const save = async (where: string) => {
      interruptedAt(ctx, where);
      await saveProgress(ctx, message, progress);
    };
    if (progress.completed.length > 0 || progress.compensated.length > 0) {
      ctx.log.info('saga: resuming from its progress', { phase: progress.phase, completed: progress.completed.map((s) => s.name), compensated: progress.compensated.map((s) => s.name) });
    }
    if (progress.phase === 'forward') await forward(ctx, message, progress, save);
    if (progress.phase === 'compensating') await unwind(ctx, message, progress, save);
    ctx.note({
      outcome: progress.failed ? 'compensated' : 'completed',
      steps: progress.completed.map((s) => s.name),
      ...(progress.failed && { failed: progress.failed.step, compensations: progress.compensated.map((s) => s.name) }),
    });
    return [emission(message, progress)];
  },
};

type Save = (where: string) => Promise<void>;

async function forward(ctx: Ctx, message: Message, progress: SagaProgress, save: Save): Promise<void> {
  const done = new Set(progress.completed.map((s) => s.name));
  for (const step of ctx.config.steps) {
    if (done.has(step.name)) continue;
    const outcome = await callStep(ctx, message, step, 'action', stepsObject(progress.completed));
    if (outcome.ok) {
      progress.completed.push({ name: step.name, status: outcome.status, body: outcome.body });
    } else if (step.onFailure === 'continue') {
      ctx.log.warn(`saga: step ${step.name} failed; going on (onFailure: continue)`, { step: step.name, error: outcome.error.message });
      progress.completed.push({ name: step.name, error: outcome.error });
    } else {
      ctx.log.warn(`saga: step ${step.name} failed for good; compensating the completed steps`, { step: step.name, error: outcome.error.message });
      progress.phase = 'compensating';
      progress.failed = { step: step.name, error: outcome.error };
      await save(`step ${step.name}`);
      return;
    }
    await save(`step ${step.name}`);
  }
  progress.phase = 'done';
  await save('the end');
}

async function unwind(ctx: Ctx, message: Message, progress: SagaProgress, save: Save): Promise<void> {
  const pending = pendingCompensations(ctx.config, progress);
  for (const [i, { name, index, step }] of pending.entries()) {
    const left = pending.slice(i).map((p) => p.name).join(', ');
    if (!step) {
      throw new PermanentError(`saga stuck: step "${name}" completed but is no longer in the saga's config, so it can't be compensated (still to undo: ${left}); needs a person`, {
        code: 'SAGA_STUCK',
      });
    }
    await ctx.trace('compensating', { step: name, stepIndex: index });
    ctx.log.info(`saga: compensating ${name}`, { step: name, stepIndex: index });
    const outcome = await callStep(ctx, message, step, 'compensation', stepsObject(progress.completed));
    if (!outcome.ok) {
      ctx.log.error(`saga: the compensation of ${name} failed`, { step: name, error: outcome.error.message, attempts: outcome.error.attempts });
      const text =
        `saga stuck: the compensation of step "${name}" failed after ${outcome.error.attempts} attempt(s): ${outcome.error.message} (still to undo: ${left}). ` +
        'It needs the engine to retry it or, once in the dead letters, a person: replaying it resumes the unwinding';
      if (outcome.transient) throw new TransientError(text);
      throw new PermanentError(text, { code: 'SAGA_STUCK' });
    }
    progress.compensated.push({ name, status: outcome.status, body: outcome.body });
    await save(`compensation ${name}`);
  }
  progress.phase = 'done';
  await save('the end of the unwinding');
}

/** The emitted shapes of spec.ts's header. */
function emission(message: Message, progress: SagaProgress): Emission {
  const steps = stepsObject(progress.completed);
  if (!progress.failed) return { port: 'completed', payload: { input: message.payload, steps } };
  return {
    port: 'compensated',
    payload: { input: message.payload, failed: progress.failed, steps, compensations: stepsObject(progress.compensated) },
  };
}
