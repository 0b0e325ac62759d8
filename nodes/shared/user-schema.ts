/**
 * Compiling the JSON Schemas users write (the validate node); regexes run on RE2 (flows/ajv.ts).
 */
import type { ValidateFunction } from 'ajv';
import { createUserSchemaAjv } from '../../flows/ajv';

/**
 * Compiles a user schema into a validator reporting all errors. Throws when the schema is invalid
 * or uses a regex RE2 can't run (backreferences, lookaround): an `UnsupportedRegexError`.
 *
 * Each call gets its own ajv, so a validator and everything ajv caches for it are freed with the
 * deployed revision that memoised it, instead of piling up in one shared instance across deploys.
 */
export function compileUserSchema(schema: object): ValidateFunction {
  return createUserSchemaAjv().compile(schema);
}
