/**
 * validate — the user's schema is compiled once per deployed revision (memo `schema`, built in
 * `prepare` and reused by every message), with its regexes run by RE2. A valid payload leaves
 * unchanged on `out`; an invalid one leaves unchanged on `invalid` with attrs
 * `{ validationErrors: [{ path, message }] }` (`path` a JSON pointer into the payload, at most
 * 20 errors) when `onInvalid` is `port`, else fails with a PermanentError (code
 * `VALIDATION_FAILED`) listing them. A schema that doesn't compile fails the deploy (code
 * `SCHEMA_UNUSABLE`).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { pointer } from '../../../flows/pointer';
import { PermanentError } from '../../errors';
import type { NodeRuntime, PrepareContext } from '../../runtime';
import { compileUserSchema } from '../../shared/user-schema';
import type { ValidateConfig } from './spec';

/** Enough to show what is wrong without letting one huge payload bloat the trace. */
export const MAX_REPORTED_ERRORS = 20;

export interface ValidationProblem {
  /** JSON pointer into the payload; `""` is the payload itself. */
  path: string;
  message: string;
}

export const runtime: NodeRuntime<ValidateConfig> = {
  type: 'validate',
  prepare(ctx) {
    validatorOf(ctx);
  },
  async run(ctx, message) {
    const validate = validatorOf(ctx);
    if (validate(message.payload)) return [{ port: 'out', payload: message.payload }];
    const problems = (validate.errors ?? []).slice(0, MAX_REPORTED_ERRORS).map(problemOf);
    if (ctx.config.onInvalid === 'port') {
      return [{ port: 'invalid', payload: message.payload, attrs: { validationErrors: problems } }];
    }
    const total = validate.errors?.length ?? 0;
    const more = total > problems.length ? ` (and ${total - problems.length} more)` : '';
    const listed = problems.map((p) => `${p.path || '(payload)'} ${p.message}`).join('; ');
    throw new PermanentError(`payload does not match the schema: ${listed}${more}`, { code: 'VALIDATION_FAILED' });
  },
};

function validatorOf(ctx: Pick<PrepareContext<ValidateConfig>, 'memo' | 'config'>): ValidateFunction {
  try {
    return ctx.memo('schema', () => compileUserSchema(ctx.config.schema));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PermanentError(`schema: ${reason}`, { code: 'SCHEMA_UNUSABLE', cause: error });
  }
}

/** Points `required` and `additionalProperties` errors at the property concerned, not its parent. */
function problemOf(error: ErrorObject): ValidationProblem {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty !== undefined) {
    return { path: error.instancePath + pointer(params.missingProperty), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return { path: error.instancePath + pointer(params.additionalProperty), message: 'is not allowed' };
  }
  return { path: error.instancePath, message: error.message ?? error.keyword };
}
