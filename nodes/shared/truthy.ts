/**
 * JSONata's `$boolean()` in TypeScript, so filter and switch read a condition's result exactly as
 * an expression would: `false`, `0`, `""`, `null`, empty arrays and objects, functions, and
 * nothing at all are false; an array is true when any of its items is.
 */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object' && value !== null) return !isFunction(value) && Object.keys(value).length > 0;
  return false;
}

/** JSONata's lambdas and native-function wrappers are objects carrying one of these marks. */
const isFunction = (value: object): boolean =>
  (value as { _jsonata_lambda?: unknown })._jsonata_lambda === true || (value as { _jsonata_function?: unknown })._jsonata_function === true;
