/**
 * Property-based: thousands of generated hostile documents. Whatever comes in, validateFlow
 * never throws, never hangs (the test timeout bounds it), and either accepts the document or
 * returns problems that each point at a real place in it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCatalogue } from '../nodes/catalogue';
import { parsePointer, readPointer } from './pointer';
import { flowOf } from './testing/fixture-catalogue';
import { validateFlow } from './validate';

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', '~', '/', '~1', 'a/b'];
const HOSTILE_STRINGS = [
  '../../etc/passwd',
  '$',
  '$.a +',
  '(((((((((((((((((((((((((((((((((((((((((((((',
  '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
  '/(a)\\1/',
  '[1..10000000]',
  'function($x){$x}',
  '\u0000\uffff\ud800',
  'out',
  'in',
  'error',
];

const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }));
const leaf = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
/** Any JSON value, with the keys and strings most likely to hurt. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }).map((o) => JSON.parse(JSON.stringify(o))),
  ),
})).value;

const realTypes = [...nodeCatalogue.keys()];

/** A plausible flow: real node types, edges between real ids, then parts replaced by junk. */
const plausibleFlow = fc
  .record({
    types: fc.array(fc.constantFrom(...realTypes, 'nope', 'constructor', '__proto__'), { minLength: 1, maxLength: 6 }),
    edges: fc.array(fc.tuple(fc.nat(7), fc.constantFrom('out', 'in', 'error', 'completed', 'x'), fc.nat(7), fc.constantFrom('in', 'out', 'a')), { maxLength: 8 }),
    configs: fc.array(fc.dictionary(key, json, { maxKeys: 4 }), { maxLength: 6 }),
    junk: fc.array(fc.tuple(fc.nat(), json), { maxLength: 3 }),
  })
  .map(({ types, edges, configs, junk }) => {
    const doc = flowOf(
      types.map((type, i) => ({ id: `n${i}`, type, config: JSON.parse(JSON.stringify(configs[i] ?? {})) })),
      edges.map(([a, p, b, q], i) => [`e${i}`, `n${a}`, p, `n${b}`, q] as [string, string, string, string, string]),
    );
    return replaceSomeSubtrees(doc, junk);
  });

/** Replaces subtrees chosen by index (in walk order) with junk values. */
function replaceSomeSubtrees(doc: unknown, junk: Array<[number, unknown]>): unknown {
  const spots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      spots.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child);
    }
  };
  walk(doc);
  for (const [n, value] of junk) {
    if (spots.length === 0) break;
    const spot = spots[n % spots.length]!;
    Object.defineProperty(spot.parent, spot.key, { value, enumerable: true, writable: true, configurable: true });
  }
  return doc;
}

/** A problem is located when its pointer reaches something in the document, or the object a missing property belongs in. */
function isLocated(doc: unknown, ptr: string): boolean {
  if (ptr === '') return true;
  if (readPointer(doc, ptr) !== undefined) return true;
  const tokens = parsePointer(ptr);
  const parent = '/' + tokens.slice(0, -1).map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return tokens.length === 1 || readPointer(doc, parent) !== undefined;
}

function assertWellBehaved(doc: unknown) {
  const before = Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
  let result: ReturnType<typeof validateFlow>;
  expect(() => (result = validateFlow(doc, nodeCatalogue))).not.toThrow();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(before);
  if (result!.valid) {
    expect(result!.problems).toEqual([]);
    return;
  }
  expect(result!.problems.length).toBeGreaterThan(0);
  for (const p of result!.problems) {
    expect(typeof p.message).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
    expect(p.code === 'internal').toBe(false);
    if (p.code !== 'too-many-problems') expect(isLocated(doc, p.pointer), `${p.code} ${p.pointer}: ${p.message}`).toBe(true);
  }
}

describe('when validateFlow meets generated hostile documents', () => {
  it('never throws and always accepts or returns located problems, for any JSON value', () => {
    fc.assert(fc.property(json, (doc) => assertWellBehaved(doc)), { numRuns: 2_000 });
  });

  it('never throws and always accepts or returns located problems, for mutated plausible flows', () => {
    fc.assert(fc.property(plausibleFlow, (doc) => assertWellBehaved(doc)), { numRuns: 3_000 });
  });

  it('stays well behaved on very wide and very deep documents', () => {
    const wide = flowOf(Array.from({ length: 1_200 }, (_, i) => ({ id: `n${i}`, type: 'map' })));
    assertWellBehaved(wide);
    let deep: unknown = {};
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    assertWellBehaved({ ...flowOf([]), description: deep });
  });
});
