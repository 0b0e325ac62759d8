/** The canvas: nodes, handles and the gestures that make a flow (drop from the palette, wire ports). */
import type { Locator, Page } from 'playwright-core';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class Canvas {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('canvas');
  }

  /** A node's own root (`node-<id>`), labelled with its name. */
  node(id: string): Locator {
    return this.page.getByTestId(`node-${id}`);
  }

  /** React Flow's wrapper around a node: what takes keyboard focus (Tab) and selection. */
  nodeWrapper(id: string): Locator {
    return this.root.locator(`.react-flow__node[data-id="${id.replace(/"/g, '\\"')}"]`);
  }

  /** The node labelled `name` (its aria-label). */
  nodeNamed(name: string): Locator {
    return this.root.locator(`[data-testid^="node-"]:not([data-testid^="node-problem-"])[aria-label="${name.replace(/"/g, '\\"')}"]`);
  }

  /** The problem badge on a node. */
  problemBadge(id: string): Locator {
    return this.page.getByTestId(`node-problem-${id}`);
  }

  handleIn(nodeId: string, port: string): Locator {
    return this.page.getByTestId(`handle-in-${nodeId}-${port}`);
  }

  handleOut(nodeId: string, port: string): Locator {
    return this.page.getByTestId(`handle-out-${nodeId}-${port}`);
  }

  /** Ids of the nodes on the canvas, in DOM order (React Flow marks each node wrapper with `data-id`). */
  async nodeIds(): Promise<string[]> {
    const ids = await this.root.locator('.react-flow__node').evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? ''));
    return ids.filter((id) => id !== '');
  }

  /** How many edges are drawn. */
  async edgeCount(): Promise<number> {
    return this.root.locator('.react-flow__edge').count();
  }

  /** The on-screen box of every node, by id. */
  async nodeBoxes(): Promise<Map<string, Box>> {
    const boxes = new Map<string, Box>();
    for (const id of await this.nodeIds()) {
      const box = await this.node(id).boundingBox();
      if (box) boxes.set(id, box);
    }
    return boxes;
  }

  async box(): Promise<Box> {
    const box = await this.root.boundingBox();
    if (!box) throw new Error('the canvas is not visible');
    return box;
  }

  /** Waits until a node with an id not in `before` appears; returns its id. */
  async waitForNewNode(before: readonly string[], what = 'a new node'): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const added = (await this.nodeIds()).filter((id) => !before.includes(id));
      if (added.length === 1) return added[0]!;
      if (added.length > 1) throw new Error(`expected ${what}, got ${added.length}: ${added.join(', ')}`);
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} on the canvas`);
      await this.page.waitForTimeout(50);
    }
  }

  /** Waits until `count` nodes with ids not in `before` have appeared; returns their ids. */
  async waitForNewNodes(before: readonly string[], count: number): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const added = (await this.nodeIds()).filter((id) => !before.includes(id));
      if (added.length === count) return added;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${count} new nodes (have ${added.length})`);
      await this.page.waitForTimeout(50);
    }
  }

  /** Presses the mouse on `from`, moves in small steps (as a hand would) and releases on `to`. */
  async dragBetween(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await this.page.mouse.move(from.x, from.y);
    await this.page.mouse.down();
    await this.page.mouse.move(from.x + (to.x - from.x) / 4, from.y + (to.y - from.y) / 4, { steps: 5 });
    await this.page.mouse.move(to.x, to.y, { steps: 10 });
    await this.page.mouse.up();
  }

  /** Drags output handle to input handle; React Flow draws the edge when the flow rules allow it. */
  async connect(fromNode: string, fromPort: string, toNode: string, toPort: string): Promise<void> {
    const from = await center(this.handleOut(fromNode, fromPort));
    const to = await center(this.handleIn(toNode, toPort));
    await this.dragBetween(from, to);
  }

  /** Drags a node by its body, by (dx, dy) screen pixels. */
  async moveNode(id: string, dx: number, dy: number): Promise<void> {
    const from = await center(this.node(id));
    await this.dragBetween(from, { x: from.x + dx, y: from.y + dy });
  }

  /** Clicks an empty spot of the canvas (clears the selection). */
  async clickEmpty(): Promise<void> {
    const box = await this.box();
    await this.page.mouse.click(box.x + box.width - 20, box.y + 20);
  }
}

/** The centre of an element on screen. */
export async function center(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error(`not visible: ${locator.toString()}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Whether two boxes overlap (touching edges do not count). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
