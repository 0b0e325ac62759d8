/** The toolbar: file actions, history, layout, import/export, deploy and trigger. */
import type { Download, Locator, Page } from 'playwright-core';

export class Toolbar {
  readonly newFlow: Locator;
  readonly save: Locator;
  readonly dirtyMarker: Locator;
  readonly undo: Locator;
  readonly redo: Locator;
  readonly layout: Locator;
  readonly fit: Locator;
  readonly import: Locator;
  readonly export: Locator;
  readonly copyJson: Locator;
  readonly deploy: Locator;
  readonly deployState: Locator;
  readonly trigger: Locator;
  readonly help: Locator;
  readonly credentials: Locator;

  constructor(private readonly page: Page) {
    const id = (name: string) => page.getByTestId(name);
    this.newFlow = id('toolbar-new');
    this.save = id('toolbar-save');
    this.dirtyMarker = id('dirty-marker');
    this.undo = id('toolbar-undo');
    this.redo = id('toolbar-redo');
    this.layout = id('toolbar-layout');
    this.fit = id('toolbar-fit');
    this.import = id('toolbar-import');
    this.export = id('toolbar-export');
    this.copyJson = id('toolbar-copy-json');
    this.deploy = id('toolbar-deploy');
    this.deployState = id('deploy-state');
    this.trigger = id('toolbar-trigger');
    this.help = id('toolbar-help');
    this.credentials = id('toolbar-credentials');
  }

  /** Clicks Export and waits for the browser's download. */
  async exportDownload(): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.export.click()]);
    return download;
  }
}
