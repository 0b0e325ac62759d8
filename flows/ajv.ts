/**
 * The ajv instances every schema in Tributary goes through, with the vocabulary node specs use:
 * - format `jsonata`: a JSONata expression that must parse (checked with the same guarded
 *   parser the engine uses);
 * - format `credential` and keyword `x-credential-types`: the name of a stored credential;
 * - keyword `x-user-schema`: a JSON Schema written by the user, which must itself be valid;
 * - keyword `x-unique-by`: items of an array must differ in the value at this pointer (saga
 *   step names), reported at the repeating item.
 * Compiled validators are cached per schema object.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { DataValidationCxt, RegExpEngine } from 'ajv/dist/types';
import { Re2RegexEngine } from './regex-engine';
import addFormats from 'ajv-formats';
import { checkExpression } from './expression';
import { readPointer } from './pointer';

/**
 * Ajv's `code.regExp` option with the linear-time engine: every `pattern` and
 * `patternProperties` regex of a user schema runs on RE2, so no schema can backtrack
 * catastrophically on user data, and one RE2 can't run (backreferences, lookaround) fails to
 * compile instead of being accepted.
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string, flags: string) => new Re2RegexEngine(pattern, flags), {
  code: 'Re2RegexEngine',
});

/** Ajv for user-written schemas (the validate node): plain JSON Schema, no Tributary keywords, RE2 regexes. */
export function createUserSchemaAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: true, code: { regExp: linearRegExp } });
  addFormats(ajv);
  return ajv;
}

const userSchemaAjv = createUserSchemaAjv();

/** Why a user-written JSON Schema is unusable, or null when it compiles. */
export function checkUserSchema(schema: unknown): string | null {
  try {
    if (!userSchemaAjv.validateSchema(schema as object)) {
      return `not a valid JSON Schema: ${userSchemaAjv.errorsText(userSchemaAjv.errors, { dataVar: 'schema' })}`;
    }
    userSchemaAjv.compile(schema as object);
    userSchemaAjv.removeSchema(schema as object);
    return null;
  } catch (error) {
    return `JSON Schema does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function createTributaryAjv(useDefaults: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, useDefaults, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  ajv.addFormat('jsonata', { type: 'string', validate: (source: string) => checkExpression(source) === null });
  ajv.addFormat('credential', { type: 'string', validate: () => true });
  ajv.addKeyword({ keyword: 'x-credential-types', schemaType: 'array' });
  ajv.addKeyword({
    keyword: 'x-user-schema',
    schemaType: 'boolean',
    errors: true,
    validate: function userSchema(enabled: boolean, data: unknown) {
      if (!enabled) return true;
      const reason = checkUserSchema(data);
      if (reason === null) return true;
      (userSchema as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'x-user-schema', message: reason, params: {} }];
      return false;
    },
  });
  ajv.addKeyword({
    keyword: 'x-unique-by',
    type: 'array',
    schemaType: 'string',
    errors: true,
    validate: function uniqueBy(ptr: string, data: unknown[], _schema?: unknown, cxt?: DataValidationCxt) {
      const firstAt = new Map<string, number>();
      const errors: Partial<ErrorObject>[] = [];
      data.forEach((item, i) => {
        const value = readPointer(item, ptr);
        if (value === undefined) return;
        const key = JSON.stringify(value);
        const first = firstAt.get(key);
        if (first === undefined) firstAt.set(key, i);
        else errors.push({ keyword: 'x-unique-by', instancePath: `${cxt?.instancePath ?? ''}/${i}${ptr}`, message: `repeats ${key} of item ${first}; must be unique`, params: {} });
      });
      (uniqueBy as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
      return errors.length === 0;
    },
  });
  return ajv;
}

const checking = createTributaryAjv(false);
const defaulting = createTributaryAjv(true);
const checkCache = new WeakMap<object, ValidateFunction>();
const defaultCache = new WeakMap<object, ValidateFunction>();

const compiled = (ajv: Ajv, cache: WeakMap<object, ValidateFunction>, schema: object): ValidateFunction => {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
};

/** A validator for one of Tributary's own schemas (flow document, node configs), all errors. */
export const validatorFor = (schema: object): ValidateFunction => compiled(checking, checkCache, schema);

/**
 * A copy of `value` with the schema's defaults filled in. The input is never mutated; the copy
 * is returned whether or not it is valid (validate separately).
 */
export function withDefaults<T>(schema: object, value: T): T {
  const copy = structuredClone(value);
  compiled(defaulting, defaultCache, schema)(copy);
  return copy;
}
