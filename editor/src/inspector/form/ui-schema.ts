/**
 * The uiSchema for a node's config schema, derived from the schema itself: free JSON (payloads,
 * user-written schemas) gets a JSON editor, name → value maps get a key/value editor, and a
 * required text field with a default keeps an emptied value empty (rather than snapping back to
 * the default while someone is typing).
 */
import type { UiSchema } from '@rjsf/utils';

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** No type and nothing else to go by: any JSON value. */
const isAnyJson = (s: Schema) => !['type', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'properties', '$ref'].some((k) => k in s);

/** An object whose keys are free (header name → value): no fixed properties. */
const isMap = (s: Schema) => s.type === 'object' && !isObject(s.properties) && (isObject(s.patternProperties) || isObject(s.additionalProperties));

function walk(schema: Schema, required: boolean): UiSchema {
  if (schema['x-user-schema'] === true || isAnyJson(schema)) return { 'ui:field': 'json', 'ui:options': { label: false } };
  if (isMap(schema)) return { 'ui:field': 'keyValue', 'ui:options': { label: false } };
  const ui: UiSchema = {};
  if (isObject(schema.properties)) {
    const requiredKeys = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (isObject(sub)) ui[key] = walk(sub, requiredKeys.includes(key));
    }
  }
  if (schema.type === 'array' && isObject(schema.items)) ui.items = walk(schema.items, false);
  if (schema.type === 'string' && required && 'default' in schema) ui['ui:emptyValue'] = '';
  return ui;
}

const constUnion = (s: Schema): Schema[] | null => {
  const branches = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null) as unknown[] | null;
  return branches && branches.length > 0 && branches.every((b) => isObject(b) && 'const' in b) ? (branches as Schema[]) : null;
};

function typed(schema: Schema, depth: number): Schema {
  if (depth > 32) return schema;
  const out: Schema = { ...schema };
  const union = constUnion(schema);
  // A choice written as a union of literals carries no `type`; rjsf needs one to draw it as a select.
  if (union && !('type' in out)) {
    const types = new Set(union.map((b) => (typeof b.type === 'string' ? b.type : typeof b.const)));
    if (types.size === 1) out.type = [...types][0];
  }
  for (const key of ['properties', 'patternProperties'] as const) {
    if (isObject(schema[key])) out[key] = Object.fromEntries(Object.entries(schema[key]).map(([k, v]) => [k, isObject(v) ? typed(v, depth + 1) : v]));
  }
  for (const key of ['items', 'additionalProperties', 'if', 'then', 'else'] as const) {
    if (isObject(schema[key])) out[key] = typed(schema[key], depth + 1);
  }
  return out;
}

const typedCache = new WeakMap<object, Schema>();

/** The schema rjsf draws: the node's own, with the type of every choice spelled out (cached per schema). */
export function formSchemaOf(schema: Schema): Schema {
  let out = typedCache.get(schema);
  if (!out) typedCache.set(schema, (out = typed(schema, 0)));
  return out;
}

export function uiSchemaFor(schema: Schema): UiSchema {
  return { ...walk(schema, true), 'ui:submitButtonOptions': { norender: true } };
}
