/**
 * Scenario 11 — expression guard cost: the per-evaluation cost of the project's guarded JSONata
 * (flows/expression.ts: bounds on time, depth, sequence size and memory, regexes on RE2),
 * measured through its public API, against plain `jsonata` evaluating the same expression on
 * the same input. Slices of each alternate, so both see the same machine.
 */
import jsonata from 'jsonata';
import type { Figure, Scenario } from '../scenario';
import { compileExpression } from '../../flows/expression';
import { FILTER, MAP_1 } from '../lib/flows';
import { median } from '../lib/stats';

const ITEMS = Array.from({ length: 20 }, (_, i) => ({ sku: `sku-${i}`, price: 1 + i / 10, qty: (i % 3) + 1, tags: ['a', 'b'] }));

const CASES = [
  { name: 'map (object constructor)', source: MAP_1, input: { i: 42, t: 1_700_000_000_000 } },
  { name: 'filter (comparison)', source: FILTER, input: { i: 42, t: 0, v: 84 } },
  { name: 'order total (path, map, $sum over 20 items)', source: '{ "total": $sum(items.(price * qty)), "skus": items[qty > 1].sku }', input: { items: ITEMS } },
  { name: 'string work ($uppercase, $join, regex $match)', source: '$join(items.$uppercase(sku), ",") & ($match("order-1234", /[0-9]+/).match)', input: { items: ITEMS } },
];

interface Evaluator {
  evaluate(input: unknown): Promise<unknown>;
}

/** Evaluations per second of `e` over about `ms`. */
async function rate(e: Evaluator, input: unknown, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 50; k++) await e.evaluate(input);
    n += 50;
    elapsed = performance.now() - t0;
  }
  return (n * 1000) / elapsed;
}

const scenario: Scenario = {
  id: 'expression-guard',
  title: 'Guarded JSONata evaluation (flows/expression.ts) against plain jsonata',
  run: async ({ quick, log }) => {
    const slices = quick ? 2 : 6;
    const sliceMs = quick ? 100 : 400;
    const figures: Figure[] = [];
    for (const c of CASES) {
      const guarded = compileExpression(c.source);
      const plain = jsonata(c.source);
      const [g0, p0] = [await guarded.evaluate(c.input), await plain.evaluate(c.input)];
      if (JSON.stringify(g0) !== JSON.stringify(p0)) throw new Error(`${c.name}: guarded and plain results differ: ${JSON.stringify(g0)} vs ${JSON.stringify(p0)}`);
      const g: number[] = [];
      const p: number[] = [];
      for (let s = 0; s < slices; s++) {
        g.push(await rate(guarded, c.input, sliceMs));
        p.push(await rate(plain, c.input, sliceMs));
      }
      const gUs = 1e6 / median(g);
      const pUs = 1e6 / median(p);
      log(`${c.name}: guarded ${gUs.toFixed(1)} µs, plain ${pUs.toFixed(1)} µs per evaluation`);
      figures.push({ name: `${c.name} µs/eval (vs plain)`, value: gUs, unit: 'µs', baseline: pUs, ratio: gUs / pUs, target: 'overhead ≪ a node step' });
      if (c.source === MAP_1) figures.push({ name: 'guard overhead per evaluation of the linear flow\'s map', value: gUs - pUs, unit: 'µs', target: '≪ a node step' });
    }
    return figures;
  },
};

export default scenario;
