/**
 * One pass of the editor-scale benchmark over one flow size: the flow is imported into the
 * server over REST and opened by URL in the editor, and shown in the bare React Flow page, each
 * in a fresh browser context; then each is panned, has a node dragged, and is panned again while
 * live counters arrive at 10 Hz.
 */
import type { Browser, Page } from 'playwright-core';
import type { FlowDocument } from '../../flows/schema';
import type { BarePage } from './bare-page';
import { startLiveFeed } from './live-feed';
import { dragFrames, panFrames, timeToShow, type FrameFigures, type ShowFigures } from './measure';
import type { Stack } from './stack';

export const VIEWPORT = { width: 1280, height: 800 } as const;

export interface PageFigures {
  show: ShowFigures;
  pan: FrameFigures;
  drag: FrameFigures;
  livePan: FrameFigures;
}

export interface PassFigures {
  editor: PageFigures;
  bare: PageFigures;
}

/** Share of the nodes whose counters change on each 10 Hz tick. */
export const LIVE_FRACTION = 0.1;

async function inFreshPage<T>(browser: Browser, use: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  // tsx compiles with keepNames, so the functions handed to page.evaluate call esbuild's __name.
  await context.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}

const settle = (page: Page) => page.waitForTimeout(300);

export async function measureEditor(browser: Browser, stack: Stack, flow: FlowDocument, steps: number): Promise<PageFigures> {
  return inFreshPage(browser, async (page) => {
    const show = await timeToShow(page, `${stack.url}/#/flows/${encodeURIComponent(flow.id)}`, flow.edges.length);
    await settle(page);
    const pan = await panFrames(page, steps);
    const drag = await dragFrames(page, steps);
    // Undo the drag so that the next pass opens the same document (the drag is not saved anyway).
    await page.keyboard.press('Control+z');
    const feed = startLiveFeed(stack, flow, LIVE_FRACTION);
    try {
      await page.waitForTimeout(500);
      const livePan = await panFrames(page, steps);
      return { show, pan, drag, livePan };
    } finally {
      await feed.stop();
    }
  });
}

export async function measureBare(browser: Browser, bare: BarePage, flow: FlowDocument, steps: number): Promise<PageFigures> {
  return inFreshPage(browser, async (page) => {
    const show = await timeToShow(page, bare.urlFor(flow.id), flow.edges.length);
    await settle(page);
    const pan = await panFrames(page, steps);
    const drag = await dragFrames(page, steps);
    await page.evaluate((fraction) => {
      const w = window as unknown as { benchStop?: () => void; benchRelabel?: (fraction: number) => () => void };
      w.benchStop = w.benchRelabel?.(fraction);
    }, LIVE_FRACTION);
    await page.waitForTimeout(500);
    const livePan = await panFrames(page, steps);
    await page.evaluate(() => (window as unknown as { benchStop?: () => void }).benchStop?.());
    return { show, pan, drag, livePan };
  });
}
