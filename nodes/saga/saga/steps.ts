/**
 * One saga call — a step's action or its compensation — with the step's timeout per attempt and
 * its retry for transient failures (timeouts, connection errors, 408, 429, 5xx), all inside the
 * delivery: the saga's own node policy only sees a delivery that was interrupted or is stuck.
 *
 * Every attempt sends `Idempotency-Key: <execution key>:<step>:action` (or `:compensation`), the
 * same on every attempt, every redelivery and every replay, so a receiver that honours it applies
 * each call once however often the saga has to repeat it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelay } from '../../../flows/backoff';
import { PermanentError, TransientError } from '../../errors';
import type { Message, NodeContext } from '../../runtime';
import type { HttpRequestInit } from '../../runtime-http';
import { bindingsOf } from '../../shared/bindings';
import { buildHttpRequest } from '../../shared/http-call';
import { isSuccess, responseBody, responseFailure, sendHttp } from '../../shared/http-send';
import type { StepError, StepResult } from './progress';
import { DEFAULT_STEP_BACKOFF, type SagaConfig } from './spec';

export type SagaStep = SagaConfig['steps'][number];
export type CallKind = 'action' | 'compensation';

/** The backoff a step's `retry` gets for what it leaves out (the spec's default). */

export type CallOutcome = ({ ok: true } & StepResult) | { ok: false; transient: boolean; error: StepError };

/** Thrown when the delivery's signal aborts (node timeout, shutdown): the engine retries, progress resumes. */
export class SagaInterrupted extends TransientError {}

export const callKey = (ctx: NodeContext<SagaConfig>, step: SagaStep, kind: CallKind) => `${ctx.idempotencyKey}:${step.name}:${kind}`;

/**
 * Makes the call, retrying transient failures per `step.retry`. Resolves with the 2xx answer or
 * the failure that ended the attempts (transient: the attempts ran out; permanent: a 4xx, a
 * refused address, a failing expression, a missing credential). Throws {@link SagaInterrupted}
 * when the delivery is aborted, and lets errors of the engine's own services (Redis) through.
 */
export async function callStep(ctx: NodeContext<SagaConfig>, message: Message, step: SagaStep, kind: CallKind, steps: Record<string, unknown>): Promise<CallOutcome> {
  const call = step[kind];
  if (!call) throw new Error(`step "${step.name}" has no ${kind}`);
  const label = `${step.name} ${kind}`;
  let built: { request: HttpRequestInit; secrets: string[] };
  try {
    built = await buildHttpRequest(ctx, message, call, {
      field: `steps.${step.name}.${kind}.`,
      bindings: { ...bindingsOf(message), steps },
      idempotencyKey: callKey(ctx, step, kind),
    });
  } catch (error) {
    interruptedAt(ctx, label, error);
    if (error instanceof PermanentError) return { ok: false, transient: false, error: errorOf(error, 0) };
    throw error;
  }
  const { request, secrets } = built;
  const backoff = { ...DEFAULT_STEP_BACKOFF, ...step.retry.backoff };
  for (let attempt = 1; ; attempt++) {
    interruptedAt(ctx, label);
    let failure: TransientError | PermanentError;
    let answer: { status: number; body: unknown } | undefined;
    try {
      const response = await sendHttp(ctx.http, request, ctx.signal, step.timeoutMs);
      const body = responseBody(response, secrets);
      if (isSuccess(response)) return { ok: true, status: response.status, body };
      failure = responseFailure(request, response, secrets);
      answer = { status: response.status, body };
    } catch (error) {
      interruptedAt(ctx, label, error);
      if (!(error instanceof TransientError || error instanceof PermanentError)) throw error;
      failure = error;
    }
    if (!(failure instanceof TransientError) || attempt >= step.retry.attempts) {
      return { ok: false, transient: failure instanceof TransientError, error: { ...errorOf(failure, attempt), ...answer } };
    }
    // Retry-After is honoured up to the backoff's cap: a longer wait belongs to the engine, not to a worker slot.
    const retryAfterMs = Math.min(failure.retryAfterMs ?? 0, backoff.maxDelayMs || Number.POSITIVE_INFINITY);
    const delayMs = Math.max(retryDelay(backoff, attempt), retryAfterMs);
    ctx.log.warn(`saga: ${label} failed, retrying`, { step: step.name, kind, attempt, delayMs, error: failure.message });
    try {
      await sleep(delayMs, undefined, { signal: ctx.signal });
    } catch (error) {
      interruptedAt(ctx, label, error);
      throw error;
    }
  }
}

/** Throws {@link SagaInterrupted} once the delivery's signal has aborted. */
export function interruptedAt(ctx: NodeContext<SagaConfig>, where: string, cause?: unknown): void {
  if (!ctx.signal.aborted) return;
  throw new SagaInterrupted(`saga interrupted at ${where} (node timeout or shutdown); its progress is kept and the retry resumes there`, {
    cause: cause ?? ctx.signal.reason,
  });
}

function errorOf(error: TransientError | PermanentError, attempts: number): StepError {
  const code = error instanceof PermanentError ? error.code : undefined;
  return { message: error.message, ...(code !== undefined && { code }), attempts };
}
