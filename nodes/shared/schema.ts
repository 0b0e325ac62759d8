/**
 * Small schema builders the node specs share, so the same idea is spelled the same way in every
 * config (choices, header names, conditional requirements). Pure TypeBox: safe for the editor.
 */
import { Type, type SchemaOptions, type TLiteral, type TUnion } from '@sinclair/typebox';
import { Choice } from '../../contracts/choice';
import { HEADER_NAME_PATTERN } from '../../contracts/credentials';

/**
 * One of a few strings, as a union of literals: ajv reports it as one "must be one of …" problem
 * (see flows/validate.ts) and form libraries render it as a select.
 */
export { Choice };

/** HTTP header names (RFC 9110 tokens). */
export { HEADER_NAME_PATTERN };

/** Names of URL query parameters. */
export const QUERY_PARAM_PATTERN = '^[A-Za-z0-9_.~\\[\\]-]{1,100}$';

/**
 * `if`/`then` keywords that require `fields` when `field` holds one of `values`. When the field's
 * default is one of `values`, pass `includesDefault` so that leaving the field out (meaning the
 * default) requires them too; validation checks configs as written, before defaults.
 *
 * `then` names each required field under `properties` with an empty schema only because ajv's
 * strict mode wants every required property declared where it is required.
 */
export function requiredWhen(field: string, values: readonly string[], fields: readonly string[], includesDefault = false) {
  return {
    if: { properties: { [field]: { enum: [...values] } }, ...(includesDefault ? {} : { required: [field] }) },
    then: { properties: Object.fromEntries(fields.map((f) => [f, {}])), required: [...fields] },
  };
}
