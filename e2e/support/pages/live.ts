/** The live canvas as a test sees it: the connection indicator and each node's counters. */
import type { Locator, Page } from 'playwright-core';

export type CounterName = 'started' | 'completed' | 'failed' | 'retried' | 'deadLettered' | 'skipped';

export class LiveCanvas {
  readonly indicator: Locator;

  constructor(readonly page: Page) {
    this.indicator = page.getByTestId('live-indicator');
  }

  /** The indicator's state: live, connecting, reconnecting or offline. */
  state(): Promise<string | null> {
    return this.indicator.getAttribute('data-state');
  }

  /** A node's counter as shown (0 while the node shows none). */
  async count(nodeId: string, counter: CounterName): Promise<number> {
    const el = this.page.getByTestId(`node-live-${nodeId}-${counter}`);
    if ((await el.count()) === 0) return 0;
    return Number(await el.getAttribute('data-count'));
  }

  /** The node's status colour: idle, ok, warn or failing (null while it has no live state). */
  status(nodeId: string): Promise<string | null> {
    return this.page.getByTestId(`node-live-${nodeId}`).getAttribute('data-status', { timeout: 1_000 }).catch(() => null);
  }
}
