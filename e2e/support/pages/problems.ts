/** The bottom panel's Problems tab: every validation problem, with its JSON pointer and node. */
import type { Locator, Page } from 'playwright-core';

export interface ListedProblem {
  pointer: string;
  nodeId: string | null;
  text: string;
}

export class ProblemsPanel {
  readonly tab: Locator;
  readonly items: Locator;
  readonly status: Locator;

  constructor(page: Page) {
    this.tab = page.getByTestId('problems-tab');
    this.items = page.getByTestId('problem-item');
    this.status = page.getByTestId('status-message');
  }

  async open(): Promise<void> {
    await this.tab.click();
  }

  async list(): Promise<ListedProblem[]> {
    return this.items.evaluateAll((els) =>
      els.map((el) => ({ pointer: el.getAttribute('data-pointer') ?? '', nodeId: el.getAttribute('data-node-id'), text: (el.textContent ?? '').trim() })),
    );
  }

  /** The listed problems that belong to `nodeId`. */
  forNode(nodeId: string): Locator {
    return this.items.and(this.items.page().locator(`[data-node-id="${nodeId}"]`));
  }
}
