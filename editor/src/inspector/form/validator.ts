/**
 * The validator rjsf needs to resolve conditional schemas (`if`/`then`, `anyOf` choices). It is
 * ajv, which compiles schemas with `new Function` — allowed by the editor's CSP (see
 * server/app.ts). The form itself shows validateFlow's problems, not this validator's errors,
 * so the inspector and the Problems tab always agree.
 */
import { customizeValidator } from '@rjsf/validator-ajv8';

export const formValidator = customizeValidator({
  // Tributary's own keywords (x-credential-types, x-user-schema, x-unique-by) mean nothing here.
  ajvOptionsOverrides: { strict: false },
  customFormats: { jsonata: () => true, credential: () => true },
});
