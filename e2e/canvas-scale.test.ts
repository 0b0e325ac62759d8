/**
 * Guards the large-canvas fix without timing anything: opening a flow of a few hundred nodes
 * must cost a bounded number of layouts, not one per node (asking React Flow to re-measure every
 * node as it mounted made 1,000 nodes take 43 s to show, with ~1,012 layouts). Chromium's own
 * LayoutCount is a count, not a duration, so the machine's load doesn't move it.
 */
import { describe, expect, it } from 'vitest';
import { scaleFlow } from '../bench/editor-scale/flows';
import { useEditorApp } from './support/editor-app';

const layoutCount = async (cdp: { send(method: 'Performance.getMetrics'): Promise<{ metrics: Array<{ name: string; value: number }> }> }) =>
  (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'LayoutCount')?.value ?? 0;

describe('when a large flow opens', () => {
  const t = useEditorApp();

  it('lays the canvas out a bounded number of times, not once per node', async () => {
    const flow = scaleFlow(300);
    const { editor } = await t.open({ flows: [flow] });
    const cdp = await editor.page.context().newCDPSession(editor.page);
    await cdp.send('Performance.enable');
    const before = await layoutCount(cdp);
    await editor.goto(flow.id);
    await expect.poll(() => editor.canvas.edgeCount(), { timeout: 30_000 }).toBe(flow.edges.length);
    // Let any per-node re-measuring that was queued run (one animation frame each).
    await editor.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const layouts = (await layoutCount(cdp)) - before;
    expect(layouts).toBeGreaterThan(0);
    expect(layouts).toBeLessThan(flow.nodes.length / 10);
  });

  it('draws zoomed-out nodes as placeholders without text, keeping their size', async () => {
    const flow = scaleFlow(300);
    const { editor } = await t.open({ flows: [flow], open: flow.id });
    await expect.poll(() => editor.canvas.edgeCount(), { timeout: 30_000 }).toBe(flow.edges.length);
    await expect.poll(() => editor.canvas.root.getAttribute('data-detail')).toBe('far');
    const node = editor.canvas.node('n1');
    const farBox = await node.evaluate((el) => ({ w: (el as HTMLElement).offsetWidth, h: (el as HTMLElement).offsetHeight }));
    const nameVisibility = await node.locator('.tnode__name').evaluate((el) => getComputedStyle(el).visibility);
    expect(nameVisibility).toBe('hidden');
    // Zoomed in, the same node shows its text at the same size.
    await editor.page.evaluate(() => undefined);
    for (let i = 0; i < 8; i += 1) await editor.page.getByRole('button', { name: /zoom in/i }).click();
    await expect.poll(() => editor.canvas.root.getAttribute('data-detail')).toBe('near');
    expect(await node.locator('.tnode__name').evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
    expect(await node.evaluate((el) => ({ w: (el as HTMLElement).offsetWidth, h: (el as HTMLElement).offsetHeight }))).toEqual(farBox);
  });
});
