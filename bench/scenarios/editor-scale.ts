/**
 * Scenario 8: the editor at scale. Generated flows of 250, 500 and 1,000 nodes are imported over
 * REST into a real server (private Redis, engine, live relay) and opened by URL in the editor,
 * and shown in a bare React Flow 12 page with default nodes, in the same run and browser; both
 * are timed until every edge is drawn, then panned, dragged, and panned while live counters
 * arrive at 10 Hz (10 % of the nodes each tick). Figures are medians over the passes and read as
 * ratios to the bare page: the machine is shared, so absolutes mean little.
 *
 * On its own: `npx tsx bench/scenarios/editor-scale.ts [--quick]`.
 */
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Figure, Scenario, ScenarioOptions } from '../scenario';
import { startBarePage } from '../editor-scale/bare-page';
import { scaleFlow } from '../editor-scale/flows';
import { measureBare, measureEditor, type PassFigures } from '../editor-scale/run';
import { buildEditorIfStale, startStack } from '../editor-scale/stack';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (v: number, digits = 2) => Number(v.toFixed(digits));

function figuresOf(size: number, passes: PassFigures[], quick: boolean): Figure[] {
  const m = (pick: (p: PassFigures) => number) => median(passes.map(pick));
  const judged = !quick && size >= 500;
  const figure = (name: string, unit: string, value: number, baseline: number, higherIsBetter: boolean, target?: string): Figure => ({
    name: `${name}, ${size} nodes`,
    value: round(value),
    unit,
    baseline: round(baseline),
    ratio: round(higherIsBetter ? value / baseline : value / baseline),
    ...(target && { target }),
  });
  const out: Figure[] = [
    figure('time to show', 'ms', m((p) => p.editor.show.ms), m((p) => p.bare.show.ms), false, quick ? undefined : '≤ 1.5× baseline'),
    figure('layouts while loading', 'count', m((p) => p.editor.show.layouts), m((p) => p.bare.show.layouts), false),
    figure('script while loading', 's', m((p) => p.editor.show.scriptS), m((p) => p.bare.show.scriptS), false),
    figure('DOM nodes', 'count', m((p) => p.editor.show.domNodes), m((p) => p.bare.show.domNodes), false),
  ];
  for (const [label, key] of [['pan', 'pan'], ['drag', 'drag'], ['pan with live counters at 10 Hz', 'livePan']] as const) {
    const live = key === 'livePan';
    const target = quick ? undefined : live ? (size >= 1000 ? '≥ 30 fps' : undefined) : judged ? '≥ 0.8× baseline' : undefined;
    out.push(figure(`${label} frame rate`, 'fps', m((p) => p.editor[key].fps), m((p) => p.bare[key].fps), true, target));
    out.push(figure(`${label} frame time p50`, 'ms', m((p) => p.editor[key].p50), m((p) => p.bare[key].p50), false));
    out.push(figure(`${label} frame time p95`, 'ms', m((p) => p.editor[key].p95), m((p) => p.bare[key].p95), false));
  }
  return out;
}

export const editorScale: Scenario = {
  id: 'editor-scale',
  title: 'Editor at 250 / 500 / 1,000 nodes beside a bare React Flow page',
  async run({ quick, log }: ScenarioOptions): Promise<Figure[]> {
    const sizes = quick ? [40] : [250, 500, 1000];
    const passes = quick ? 1 : 3;
    const steps = quick ? 20 : 120;
    buildEditorIfStale();
    const stack = await startStack();
    const bare = await startBarePage();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    try {
      const figures: Figure[] = [];
      for (const size of sizes) {
        const flow = scaleFlow(size);
        await stack.api('POST', '/api/flows/import', flow);
        await stack.api('POST', `/api/flows/${flow.id}/deploy`);
        bare.addFlow(flow);
        const results: PassFigures[] = [];
        for (let pass = 1; pass <= passes; pass += 1) {
          // Alternate which page goes first, so neither always meets a cold or a warm machine.
          const first = pass % 2 === 1;
          const a = first ? await measureBare(browser, bare, flow, steps) : await measureEditor(browser, stack, flow, steps);
          const b = first ? await measureEditor(browser, stack, flow, steps) : await measureBare(browser, bare, flow, steps);
          const result = first ? { bare: a, editor: b } : { editor: a, bare: b };
          results.push(result);
          log(`${size} nodes, pass ${pass}/${passes}: show ${result.editor.show.ms.toFixed(0)} ms (bare ${result.bare.show.ms.toFixed(0)}), pan ${result.editor.pan.fps.toFixed(0)} fps (bare ${result.bare.pan.fps.toFixed(0)}), drag ${result.editor.drag.fps.toFixed(0)} fps (bare ${result.bare.drag.fps.toFixed(0)}), live pan ${result.editor.livePan.fps.toFixed(0)} fps (bare ${result.bare.livePan.fps.toFixed(0)})`);
        }
        figures.push(...figuresOf(size, results, quick));
      }
      return figures;
    } finally {
      await browser.close();
      await bare.close();
      await stack.close();
    }
  },
};

export default editorScale;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const figures = await editorScale.run({ quick, log: (line) => console.log(line) });
  for (const f of figures) {
    console.log(`${f.name.padEnd(52)} ${String(f.value).padStart(9)} ${f.unit.padEnd(5)} bare ${String(f.baseline).padStart(9)}  ×${f.ratio}${f.target ? `  target ${f.target}` : ''}`);
  }
  process.exit(0);
}
