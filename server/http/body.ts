/**
 * Request bodies checked against the same TypeBox schemas the route table publishes in the
 * OpenAPI document: a body that doesn't match is a 400 listing each problem by JSON pointer.
 * Problems name places and rules, never the values sent (a body may carry a secret).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import { validatorFor } from '../../flows/ajv';
import { pointer } from '../../flows/pointer';
import type { Problem } from '../../flows/problems';
import { badRequest } from './problem';

function problemOf(error: ErrorObject): Problem {
  if (error.keyword === 'required') return { pointer: error.instancePath + pointer(String(error.params.missingProperty)), code: 'shape', message: 'is required' };
  if (error.keyword === 'additionalProperties') {
    return { pointer: error.instancePath + pointer(String(error.params.additionalProperty)), code: 'shape', message: 'is not a known property here' };
  }
  return { pointer: error.instancePath, code: 'shape', message: error.message ?? 'is invalid' };
}

/** `body` as the schema's type, or a 400 with the problems. */
export function checkBody<S extends TSchema>(schema: S, body: unknown, what = 'the request body'): Static<S> {
  const validate = validatorFor(schema);
  if (validate(body)) return body as Static<S>;
  const seen = new Set<string>();
  const problems = (validate.errors ?? []).map(problemOf).filter((p) => !seen.has(`${p.pointer} ${p.message}`) && seen.add(`${p.pointer} ${p.message}`));
  throw badRequest(`${what} is not valid`, problems);
}
