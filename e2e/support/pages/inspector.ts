/** The inspector: the selected node's name, config form, policy form, docs and a keyboard way to connect. */
import type { Locator, Page } from 'playwright-core';

export class Inspector {
  readonly root: Locator;
  readonly nameInput: Locator;
  readonly configForm: Locator;
  readonly policyForm: Locator;
  readonly docs: Locator;
  readonly connectFromPort: Locator;
  readonly connectToNode: Locator;
  readonly connectToPort: Locator;
  readonly connectSubmit: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('inspector');
    this.nameInput = page.getByTestId('node-name-input');
    this.configForm = page.getByTestId('config-form');
    this.policyForm = page.getByTestId('policy-form');
    this.docs = page.getByTestId('node-docs');
    this.connectFromPort = page.getByTestId('connect-from-port');
    this.connectToNode = page.getByTestId('connect-to-node');
    this.connectToPort = page.getByTestId('connect-to-port');
    this.connectSubmit = page.getByTestId('connect-submit');
  }

  /** A config field by its top-level property name (rjsf ids fields `root_<name>`). */
  configField(name: string): Locator {
    return this.configForm.locator(`[id="root_${name}"]`);
  }

  /** Replaces a config field's text, as typing would. */
  async setConfigField(name: string, value: string): Promise<void> {
    const field = this.configField(name);
    await field.fill(value);
  }

  async rename(name: string): Promise<void> {
    await this.nameInput.fill(name);
    await this.nameInput.press('Enter');
  }

  /** Connects the selected node's output port to another node's input, with the inspector's form. */
  async connectTo(fromPort: string, toNode: string, toPort: string): Promise<void> {
    await this.connectFromPort.selectOption(fromPort);
    await this.connectToNode.selectOption(toNode);
    await this.connectToPort.selectOption(toPort);
    await this.connectSubmit.click();
  }
}
