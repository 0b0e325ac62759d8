/** One of a few strings as a union of literals: ajv reports "must be one of …", forms render a select. */
import { Type, type SchemaOptions, type TLiteral, type TUnion } from '@sinclair/typebox';

export const Choice = <const T extends readonly [string, ...string[]]>(
  values: T,
  options: SchemaOptions & { default?: T[number] } = {},
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, options) as never;
