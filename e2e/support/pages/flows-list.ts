/** The flows list: open, create, rename, duplicate and delete flows. */
import type { Locator, Page } from 'playwright-core';

export class FlowsList {
  readonly root: Locator;
  readonly rename: Locator;
  readonly duplicate: Locator;
  readonly remove: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('flows-list');
    this.rename = page.getByTestId('flow-rename');
    this.duplicate = page.getByTestId('flow-duplicate');
    this.remove = page.getByTestId('flow-delete');
  }

  item(id: string): Locator {
    return this.page.getByTestId(`flow-item-${id}`);
  }

  /** Ids of the listed flows, in order. */
  async ids(): Promise<string[]> {
    const ids = await this.root.locator('[data-testid^="flow-item-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''));
    return ids.map((id) => id.slice('flow-item-'.length));
  }
}
