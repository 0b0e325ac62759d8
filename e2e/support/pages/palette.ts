/** The palette: node types by category, with a search box. */
import type { Locator, Page } from 'playwright-core';

export class Palette {
  readonly root: Locator;
  readonly search: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('palette');
    this.search = page.getByTestId('palette-search');
  }

  item(type: string): Locator {
    return this.root.getByTestId(`palette-item-${type}`);
  }

  /** The `palette-item-<type>` types shown, in order. */
  async types(): Promise<string[]> {
    const ids = await this.root.locator('[data-testid^="palette-item-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''));
    return ids.map((id) => id.slice('palette-item-'.length));
  }

  async filter(text: string): Promise<void> {
    await this.search.fill(text);
  }
}
