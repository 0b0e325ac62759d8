/**
 * What the editor-scale benchmark measures in a page, the same way for the editor and the bare
 * React Flow page: the time from navigation until every edge is drawn (with Chromium's own
 * layout, style and script counts over that time), and frame times while a gesture runs.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface ShowFigures {
  /** ms from navigation start until the last edge's path is in the DOM. */
  ms: number;
  layouts: number;
  styleRecalcs: number;
  /** Seconds of script, Chromium's `ScriptDuration`. */
  scriptS: number;
  domNodes: number;
}

export interface FrameFigures {
  p50: number;
  p95: number;
  /** Frames per second over the gesture. */
  fps: number;
}

type Metrics = Record<string, number>;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Opens `url` in `page` and waits until `edges` edge paths are drawn. */
export async function timeToShow(page: Page, url: string, edges: number, timeoutMs = 300_000): Promise<ShowFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const before = await metrics(cdp);
  await page.goto(url);
  const handle = await page.waitForFunction(
    (n) => (document.querySelectorAll('.react-flow__edge path.react-flow__edge-path').length >= n ? performance.now() : false),
    edges,
    { polling: 'raf', timeout: timeoutMs },
  );
  const ms = (await handle.jsonValue()) as number;
  const after = await metrics(cdp);
  await cdp.detach();
  return {
    ms,
    // Counters are per document: a navigation may reset them, so take the larger reading.
    layouts: delta(after, before, 'LayoutCount'),
    styleRecalcs: delta(after, before, 'RecalcStyleCount'),
    scriptS: delta(after, before, 'ScriptDuration'),
    domNodes: after.Nodes ?? 0,
  };
}

const delta = (after: Metrics, before: Metrics, key: string) => {
  const a = after[key] ?? 0;
  const b = before[key] ?? 0;
  return a >= b ? a - b : a;
};

/** Starts recording animation-frame times in the page. */
async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { benchFrames: number[]; benchFramesOn: boolean };
    w.benchFrames = [];
    w.benchFramesOn = true;
    let last = performance.now();
    const tick = (now: number) => {
      if (!w.benchFramesOn) return;
      w.benchFrames.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
  });
}

async function stopFrames(page: Page): Promise<FrameFigures> {
  const frames = await page.evaluate(() => {
    const w = window as unknown as { benchFrames: number[]; benchFramesOn: boolean };
    w.benchFramesOn = false;
    return w.benchFrames;
  });
  return frameFigures(frames);
}

export function frameFigures(frames: readonly number[]): FrameFigures {
  if (frames.length === 0) return { p50: Number.NaN, p95: Number.NaN, fps: 0 };
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const total = frames.reduce((sum, f) => sum + f, 0);
  return { p50: at(0.5), p95: at(0.95), fps: (frames.length * 1000) / total };
}

/** A point on the empty canvas (the pane), found by probing a grid across the viewport. */
async function panePoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const pane = document.querySelector('.react-flow__pane');
    const box = pane?.getBoundingClientRect();
    if (!box) return null;
    for (let fy = 0.5; fy < 0.95; fy += 0.03) {
      for (let fx = 0.3; fx < 0.9; fx += 0.02) {
        const x = box.left + fx * box.width;
        const y = box.top + fy * box.height;
        if (document.elementFromPoint(x, y) === pane) return { x, y };
      }
    }
    return null;
  });
  if (!point) throw new Error('no empty spot on the canvas to pan from');
  return point;
}

/** Drags from `from` in a back-and-forth sweep of `steps` mouse moves while frames are recorded. */
async function sweep(page: Page, from: { x: number; y: number }, steps: number, span: number): Promise<FrameFigures> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await startFrames(page);
  for (let i = 1; i <= steps; i += 1) {
    const phase = Math.sin((i / steps) * Math.PI * 4);
    await page.mouse.move(from.x + phase * span, from.y + phase * span * 0.4);
  }
  const figures = await stopFrames(page);
  await page.mouse.up();
  return figures;
}

/** Frame times while the canvas is panned by dragging the empty pane. */
export async function panFrames(page: Page, steps = 120): Promise<FrameFigures> {
  return sweep(page, await panePoint(page), steps, 200);
}

/** Frame times while one node near the middle of the view is dragged. */
export async function dragFrames(page: Page, steps = 120): Promise<FrameFigures> {
  const point = await page.evaluate(() => {
    const cx = innerWidth / 2;
    const cy = innerHeight / 2;
    let best: { x: number; y: number; d: number } | null = null;
    for (const el of document.querySelectorAll('.react-flow__node')) {
      const b = el.getBoundingClientRect();
      const x = b.left + b.width / 2;
      const y = b.top + Math.min(10, b.height / 2);
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { x, y, d };
    }
    return best;
  });
  if (!point) throw new Error('no node to drag');
  return sweep(page, point, steps, 120);
}
