/**
 * saga — saga. Runs ordered HTTP steps; when one fails for good, undoes the completed ones in
 * reverse with their compensations.
 *
 * Ports:     in → completed, compensated
 * Emits:     `completed` — `{ input, steps: { <name>: { status, body } } }` when every step
 *            succeeded (steps with `onFailure: continue` that failed carry `error` instead);
 *            `compensated` — `{ input, failed: { step, error }, steps, compensations: { <name>:
 *            { status, body } } }` once the compensations of the completed steps have run.
 *            `error` is `{ message, code?, status?, body?, attempts }` (status and body when the
 *            other side answered). Steps without a compensation are not in `compensations`.
 * Transient: per step — timeouts, connection errors, 408, 429 (Retry-After honoured up to the
 *            backoff's cap), 5xx; retried by the step's `retry` inside the delivery. When they run
 *            out the step has failed for good. An aborted delivery (the node's timeout, a
 *            shutdown) is a transient failure of the delivery: the engine retries it and it
 *            resumes from its progress.
 * Permanent: per step — other 4xx (a business refusal: compensate at once), a refused address,
 *            a failing expression, a missing credential. A compensation that fails for good
 *            fails the delivery: transiently after its retries (the engine retries the delivery,
 *            resuming the unwinding), permanently for a refusal; once the engine gives up the
 *            saga is in the dead letters ("stuck, needs a person"); replaying it resumes the
 *            unwinding.
 * Keys:      every call sends `Idempotency-Key: <the execution's idempotency key>:<step>:action`
 *            (or `:compensation`); progress lives in the node's state, per message id, 7 days.
 */
import { CloneType, Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { RetrySchema, type Backoff } from '../../../flows/schema';
import { HTTP_CREDENTIAL_TYPES, HttpActionSchema } from '../../shared/http';
import { Choice } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

/** A step's backoff when its config gives none (also the schema's default). */
export const DEFAULT_STEP_BACKOFF: Required<Backoff> = { type: 'exponential', delayMs: 1_000, maxDelayMs: 30_000, jitter: 0.2 };

const StepSchema = Type.Object(
  {
    name: Type.String({
      title: 'Name',
      description: 'Unique within the saga; later expressions read this step\'s result as `$steps.<name>`.',
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,39}$',
    }),
    action: CloneType(HttpActionSchema, { title: 'Action' }),
    compensation: Type.Optional(CloneType(HttpActionSchema, { title: 'Compensation', description: 'Undoes the action; omit when there is nothing to undo.' })),
    timeoutMs: Type.Integer({ title: 'Timeout (ms)', description: 'Bound on one attempt of the action or compensation.', minimum: 100, maximum: 600_000, default: 5_000 }),
    retry: CloneType(RetrySchema, {
      title: 'Retry',
      description: 'Attempts and backoff for transient failures of the action and of its compensation.',
      default: { attempts: 3, backoff: DEFAULT_STEP_BACKOFF },
    }),
    onFailure: Choice(['compensate', 'continue'], {
      title: 'On failure',
      description: '`compensate`: unwind the saga. `continue`: record the failure and go on (for steps such as notifications).',
      default: 'compensate',
    }),
  },
  { additionalProperties: false },
);

export const spec = defineSpec({
  type: 'saga',
  category: 'saga',
  title: 'Saga',
  keywords: ['saga', 'transaction', 'compensation', 'rollback', 'orchestration', 'steps', 'undo', 'http'],
  docs: [
    'Runs ordered HTTP steps for each message, each with a compensation that undoes it. When a step fails for',
    'good, the compensations of the steps that completed run in reverse order. Example — an order saga:',
    '`reserveInventory` (undo: release) → `chargePayment` (undo: refund) → `createShipment` (undo: cancel) →',
    '`notifyCustomer` (`onFailure: continue`, nothing to undo).',
    '',
    '**Config** — `steps`, in order; each has:',
    '- `name`: used in expressions as `$steps.<name>` — `{ status, body }` of its response.',
    '- `action` and optional `compensation`: `method` (default `POST`), `url`, `headers` and optional `body` as',
    '  JSONata over the payload (`$`); a fixed URL is written in quotes, a refund might use',
    '  `"https://payments.example/charges/" & $steps.chargePayment.body.id & "/refund"`.',
    '  `credential`: an http-basic, http-bearer or http-header credential.',
    '- `timeoutMs` per attempt (default 5 000) and `retry` for transient failures (default 3 attempts, exponential',
    '  from 1 s). A 4xx answer is a business refusal: no retry, compensate at once.',
    '- `onFailure`: `compensate` (default), or `continue` to record the failure and go on.',
    '',
    'Compensations see every completed step in `$steps`. `GET` and `DELETE` calls send no body.',
    '',
    '**Timeout**: the whole saga — steps, retries and compensations — runs inside one delivery, so the node\'s',
    '`timeoutMs` (default 5 min) should exceed the worst case of its calls: for each step, `attempts × timeoutMs` plus',
    'the backoff delays, for the actions and again for the compensations (3 × 5 s + 3 s ≈ 18 s per call with the',
    'defaults). A delivery cut short is not lost: the engine retries it and it resumes where it stopped, at the',
    'cost of one of the node\'s attempts.',
    '',
    '**Ports**: `in` → `completed` (every step succeeded) and `compensated` (a step failed and the completed',
    'steps were undone); both carry the input and what each step returned:',
    '`{ input, steps: { <name>: { status, body } } }`, and for `compensated` also `failed: { step, error }` and',
    '`compensations: { <name>: { status, body } }`.',
    '',
    '**Guarantees**: progress is persisted after every step and every compensation, so a crash resumes where',
    'it stopped. Each action and compensation sends an `Idempotency-Key` derived from the message and the step,',
    'so a receiver that honours it applies each exactly once. Only steps that completed are compensated: a step',
    'whose last attempt timed out may still have acted, so its receiver should make a late success harmless.',
    'A compensation that keeps failing (after its own retries and the node\'s) sends the saga to the dead letters,',
    'stuck, its progress kept for 7 days; fix the cause and replay it to resume the unwinding. With `onError:',
    'error` the stuck saga goes to the `error` port instead, and nothing resumes it.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      steps: Type.Array(StepSchema, { title: 'Steps', minItems: 1, maxItems: 20, 'x-unique-by': '/name' }),
    },
    { additionalProperties: false },
  ),
  ports: {
    inputs: SINGLE_INPUT,
    outputs: [
      { kind: 'fixed', name: 'completed' },
      { kind: 'fixed', name: 'compensated' },
    ],
  },
  credentialTypes: HTTP_CREDENTIAL_TYPES,
  // One delivery runs every step with its retries and, if need be, every compensation: the
  // category's 30 s would cut short a saga of a few steps that meets a slow service.
  defaultPolicy: { timeoutMs: 300_000 },
});

export type SagaConfig = ConfigOf<typeof spec>;
