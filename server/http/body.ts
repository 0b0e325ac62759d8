/**
 * Requests checked against the same TypeBox schemas the route table publishes in the OpenAPI
 * document: a body or query that doesn't match is a 400 listing each problem by JSON pointer.
 * Problems name places and rules, never the values sent (a body may carry a secret).
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import Ajv, { type ErrorObject } from 'ajv';
import { validatorFor } from '../../flows/ajv';
import { pointer } from '../../flows/pointer';
import type { Problem } from '../../flows/problems';
import { badRequest } from './problem';

type Schema = TSchema & { type?: unknown; const?: unknown; anyOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; minimum?: number; maximum?: number; items?: Schema };

const jsonType = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value);
const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** What a property must be, said with its name ("format must be …"), when its schema says it simply. */
function expectation(name: string, schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  if (schema.const !== undefined) return `${name} must be ${JSON.stringify(schema.const)}`;
  if (schema.anyOf?.every((s) => s.const !== undefined)) return `${name} must be one of ${schema.anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  if (schema.type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined) return `${name} must be an integer from ${schema.minimum} to ${schema.maximum}`;
  if (schema.type === 'array' || schema.type === 'object') return `${name} must be ${article(schema.type)}`;
  return undefined;
}

/** A union's own error stands for its branches' (`must be one of …` rather than each `must be "x"`). */
function collapsed(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  return errors.filter((e) => !unions.some((u) => u !== e && e.instancePath === u.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`)));
}

function problemOf(error: ErrorObject): Problem {
  const at = error.instancePath;
  const name = at.split('/').pop() ?? '';
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    const said = expectation(missing, (error.parentSchema as Schema | undefined)?.properties?.[missing]);
    return { pointer: at + pointer(missing), code: 'shape', message: said && !said.endsWith('must be an object') ? said : 'is required' };
  }
  if (error.keyword === 'additionalProperties') return { pointer: at + pointer(String(error.params.additionalProperty)), code: 'shape', message: 'is not a known property here' };
  const said = ['const', 'type', 'anyOf', 'minimum', 'maximum'].includes(error.keyword) && name !== '' ? expectation(name, error.parentSchema as Schema) : undefined;
  return { pointer: at, code: 'shape', message: said ?? error.message ?? 'is invalid' };
}

/**
 * The branch of a union the value means: the one of its JSON type, or among objects the one whose
 * `type` literal it names. Its problems read far better than "must match a schema in anyOf".
 */
function branchOf(schema: Schema, value: unknown): Schema | Problem | undefined {
  const branches = schema.anyOf;
  if (!branches) return undefined;
  const kind = jsonType(value);
  const sameType = branches.filter((b) => b.type === kind || (b.type === 'number' && kind === 'integer'));
  if (sameType.length === 1) return sameType[0];
  const tagged = branches.filter((b) => b.type === 'object' && b.properties?.type?.const !== undefined);
  if (tagged.length !== branches.length) return undefined;
  const tag = kind === 'object' ? (value as { type?: unknown }).type : undefined;
  return tagged.find((b) => b.properties!.type!.const === tag) ?? { pointer: '/type', code: 'shape', message: `must be one of ${tagged.map((b) => JSON.stringify(b.properties!.type!.const)).join(', ')}` };
}

const isProblem = (value: Schema | Problem | undefined): value is Problem => typeof (value as Problem | undefined)?.pointer === 'string';

function problemsOf(schema: Schema, value: unknown): Problem[] {
  const branch = branchOf(schema, value);
  if (isProblem(branch)) return [branch];
  const target = branch ?? schema;
  const validate = validatorFor(target);
  if (validate(value)) return [];
  if (branch) return problemsOf(branch, value);
  const seen = new Set<string>();
  return collapsed(validate.errors ?? []).map(problemOf).filter((p) => !seen.has(`${p.pointer} ${p.message}`) && seen.add(`${p.pointer} ${p.message}`));
}

/** `body` as the schema's type, or a 400 with the problems. */
export function checkBody<S extends TSchema>(schema: S, body: unknown, what = 'the request body'): Static<S> {
  if (validatorFor(schema)(body)) return body as Static<S>;
  const problems = problemsOf(schema as Schema, body);
  throw badRequest(`${what} is not valid`, problems.length > 0 ? problems : [{ pointer: '', code: 'shape', message: 'does not match the schema' }]);
}

// Query strings are strings: this ajv coerces them to the schema's types and fills in defaults.
const queryAjv = new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true, verbose: true });
const queryValidators = new WeakMap<object, ReturnType<Ajv['compile']>>();

/** The query as the schema's type (coerced, defaults filled in), or a 400 naming the parameter. */
export function checkQuery<S extends TObject>(schema: S, query: Record<string, unknown>): Static<S> {
  let validate = queryValidators.get(schema);
  if (!validate) queryValidators.set(schema, (validate = queryAjv.compile(schema)));
  const copy = Object.fromEntries(Object.entries(query).filter(([name]) => Object.hasOwn(schema.properties, name)));
  if (validate(copy)) return copy as Static<S>;
  const problems = collapsed(validate.errors ?? []).map(problemOf);
  const first = problems[0];
  const name = first?.pointer.slice(1) ?? '';
  const said = first?.message.startsWith(`${name} `) ? first.message.slice(name.length + 1) : first?.message;
  throw badRequest(name === '' ? 'the query is not valid' : `query parameter "${name}" ${said}`, problems);
}
