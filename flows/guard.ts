/**
 * The first look at an untrusted document, before any validator or graph code touches it:
 * bounded size and depth, plain JSON values only, no keys that could reach a prototype. It walks
 * iteratively, so neither depth nor size can overflow the stack, and stops at the first bound
 * exceeded, so its own cost is bounded too.
 */
import { FLOW_LIMITS, FORBIDDEN_KEYS } from './limits';
import { pointer } from './pointer';
import type { Problem } from './problems';

export interface GuardLimits {
  maxValues: number;
  maxDepth: number;
  maxChars: number;
}

export interface GuardResult {
  /** False when the document is too large, too deep or not JSON: nothing else should run. */
  readable: boolean;
  problems: Problem[];
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Checks that `doc` is a bounded tree of plain JSON values without prototype-reaching keys. */
export function guardDocument(doc: unknown, limits: GuardLimits = FLOW_LIMITS, maxProblems: number = FLOW_LIMITS.maxProblems): GuardResult {
  const problems: Problem[] = [];
  const stop = (problem: Problem): GuardResult => ({ readable: false, problems: [...problems, problem] });
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value: doc, path: [] }];
  const seen = new Set<object>();
  let values = 0;
  let chars = 0;

  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++values > limits.maxValues) return stop({ pointer: '', code: 'too-large', message: `document has more than ${limits.maxValues} values` });
    if (path.length > limits.maxDepth) return stop({ pointer: pointer(...path), code: 'too-large', message: `nested deeper than ${limits.maxDepth} levels` });

    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'string') {
      chars += value.length;
      if (chars > limits.maxChars) return stop({ pointer: pointer(...path), code: 'too-large', message: `document is larger than ${limits.maxChars} characters` });
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return stop({ pointer: pointer(...path), code: 'not-json', message: 'number is not finite (not JSON)' });
      continue;
    }
    if (typeof value !== 'object') return stop({ pointer: pointer(...path), code: 'not-json', message: `${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`} is not a JSON value` });
    // JSON.parse never shares objects; a cycle would never end and sharing multiplies the work.
    if (seen.has(value)) return stop({ pointer: pointer(...path), code: 'not-json', message: 'the same object appears twice (a cycle or shared reference is not JSON)' });
    seen.add(value);

    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    if (!isPlainObject(value)) return stop({ pointer: pointer(...path), code: 'not-json', message: 'only plain objects, arrays, strings, numbers, booleans and null are allowed' });
    if (Object.getOwnPropertySymbols(value).length > 0) return stop({ pointer: pointer(...path), code: 'not-json', message: 'symbol keys are not JSON' });

    const keys = Object.keys(value);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k]!;
      chars += key.length;
      if (FORBIDDEN_KEYS.has(key)) {
        if (problems.length < maxProblems) {
          problems.push({ pointer: pointer(...path, key), code: 'forbidden-key', message: `the key "${key}" is not allowed anywhere in a flow` });
        }
        continue; // never descend into it
      }
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && !('value' in descriptor)) return stop({ pointer: pointer(...path, key), code: 'not-json', message: 'accessor properties are not JSON' });
      stack.push({ value: descriptor?.value, path: [...path, key] });
    }
    if (chars > limits.maxChars) return stop({ pointer: pointer(...path), code: 'too-large', message: `document is larger than ${limits.maxChars} characters` });
  }
  return { readable: true, problems };
}
