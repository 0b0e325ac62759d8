/**
 * Small schema builders the node specs share, so the same idea is spelled the same way in every
 * config (choices, header names, conditional requirements). Pure TypeBox: safe for the editor.
 */
import { Type, type SchemaOptions, type TLiteral, type TUnion } from '@sinclair/typebox';

/**
 * One of a few strings, as a union of literals: ajv reports it as one "must be one of …" problem
 * (see flows/validate.ts) and form libraries render it as a select.
 */
export const Choice = <const T extends readonly [string, ...string[]]>(
  values: T,
  options: SchemaOptions & { default?: T[number] } = {},
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, options) as never;

/** HTTP header names (RFC 9110 tokens). */
export const HEADER_NAME_PATTERN = "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$";

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
