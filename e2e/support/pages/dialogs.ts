/** The editor's dialogs: import, revision conflict, deploy problems, trigger, credentials and token. */
import type { Locator, Page } from 'playwright-core';

export class ImportDialog {
  readonly root: Locator;
  readonly text: Locator;
  readonly file: Locator;
  readonly asCopy: Locator;
  readonly submit: Locator;
  readonly problems: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('import-dialog');
    this.text = page.getByTestId('import-text');
    this.file = page.getByTestId('import-file');
    this.asCopy = page.getByTestId('import-as-copy');
    this.submit = page.getByTestId('import-submit');
    this.problems = page.getByTestId('import-problems');
  }
}

export class ConflictDialog {
  readonly root: Locator;
  readonly reload: Locator;
  readonly overwrite: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('conflict-dialog');
    this.reload = page.getByTestId('conflict-reload');
    this.overwrite = page.getByTestId('conflict-overwrite');
  }
}

export class TriggerDialog {
  readonly root: Locator;
  readonly payload: Locator;
  readonly submit: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('trigger-dialog');
    this.payload = page.getByTestId('trigger-payload');
    this.submit = page.getByTestId('trigger-submit');
  }
}

export class CredentialsDialog {
  readonly root: Locator;
  readonly name: Locator;
  readonly type: Locator;
  readonly secret: Locator;
  readonly save: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('credentials-dialog');
    this.name = page.getByTestId('credential-name');
    this.type = page.getByTestId('credential-type');
    this.secret = page.getByTestId('credential-secret');
    this.save = page.getByTestId('credential-save');
  }

  item(name: string): Locator {
    return this.page.getByTestId(`credential-item-${name}`);
  }

  remove(name: string): Locator {
    return this.page.getByTestId(`credential-delete-${name}`);
  }
}

export class TokenDialog {
  readonly root: Locator;
  readonly input: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('token-dialog');
    this.input = page.getByTestId('token-input');
    this.submit = page.getByTestId('token-submit');
    this.error = page.getByTestId('token-error');
  }

  async enter(token: string): Promise<void> {
    await this.input.fill(token);
    await this.submit.click();
  }
}
