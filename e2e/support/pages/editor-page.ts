/**
 * The editor as a test sees it: palette, canvas, inspector, toolbar, problems and dialogs, each
 * found by `data-testid`, and the gestures the tests repeat.
 */
import type { Locator, Page } from 'playwright-core';
import type { FlowDocument } from '../../../flows/schema';
import { Canvas, center } from './canvas';
import { ConflictDialog, CredentialsDialog, ImportDialog, TokenDialog, TriggerDialog } from './dialogs';
import { FlowsList } from './flows-list';
import { Inspector } from './inspector';
import { Palette } from './palette';
import { ProblemsPanel } from './problems';
import { Toolbar } from './toolbar';

export class EditorPage {
  readonly palette: Palette;
  readonly canvas: Canvas;
  readonly inspector: Inspector;
  readonly toolbar: Toolbar;
  readonly problems: ProblemsPanel;
  readonly flows: FlowsList;
  readonly importDialog: ImportDialog;
  readonly conflictDialog: ConflictDialog;
  readonly triggerDialog: TriggerDialog;
  readonly credentialsDialog: CredentialsDialog;
  readonly tokenDialog: TokenDialog;
  readonly deployProblems: Locator;
  readonly helpOverlay: Locator;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.palette = new Palette(page);
    this.canvas = new Canvas(page);
    this.inspector = new Inspector(page);
    this.toolbar = new Toolbar(page);
    this.problems = new ProblemsPanel(page);
    this.flows = new FlowsList(page);
    this.importDialog = new ImportDialog(page);
    this.conflictDialog = new ConflictDialog(page);
    this.triggerDialog = new TriggerDialog(page);
    this.credentialsDialog = new CredentialsDialog(page);
    this.tokenDialog = new TokenDialog(page);
    this.deployProblems = page.getByTestId('deploy-problems');
    this.helpOverlay = page.getByTestId('help-overlay');
  }

  /** Opens the editor (`/`), or a flow (`/#/flows/<id>`), and waits for it to load. */
  async goto(flowId?: string): Promise<void> {
    await this.page.goto(flowId ? `${this.baseUrl}/#/flows/${encodeURIComponent(flowId)}` : `${this.baseUrl}/`);
    await this.page.waitForLoadState('domcontentloaded');
  }

  /** Reloads the page, as a person pressing F5 would (unsaved-changes prompts are accepted). */
  async reload(): Promise<void> {
    this.page.once('dialog', (dialog) => void dialog.accept());
    await this.page.reload();
  }

  /** Waits until the palette has node types and the canvas is drawn. */
  async waitUntilReady(): Promise<void> {
    await this.palette.root.locator('[data-testid^="palette-item-"]').first().waitFor();
    await this.canvas.root.waitFor();
  }

  /** Waits until the open flow's nodes are drawn. */
  async waitForNodes(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.canvas.node(id).waitFor();
  }

  /**
   * Drags a node type from the palette and drops it at (x, y) in canvas coordinates (pixels from
   * the canvas's top-left corner). The drop is the browser's own HTML5 drag and drop, driven by
   * the mouse. Returns the new node's id.
   */
  async dragNodeFromPalette(type: string, x: number, y: number): Promise<string> {
    const before = await this.canvas.nodeIds();
    const item = this.palette.item(type);
    const from = await center(item);
    const box = await this.canvas.box();
    await this.canvas.dragBetween(from, { x: box.x + x, y: box.y + y });
    return this.canvas.waitForNewNode(before, `a new ${type} node`);
  }

  /** Drags output handle to input handle. */
  async connect(fromNode: string, fromPort: string, toNode: string, toPort: string): Promise<void> {
    await this.canvas.connect(fromNode, fromPort, toNode, toPort);
  }

  /** Selects a node by clicking it; the inspector then shows it. */
  async selectNode(id: string): Promise<void> {
    await this.canvas.node(id).click();
    await this.inspector.root.waitFor();
  }

  /** The flow as the editor holds it now (saved or not), through "Copy JSON" and the clipboard. */
  async currentDocument(): Promise<FlowDocument> {
    await this.page.evaluate(() => navigator.clipboard.writeText(''));
    await this.toolbar.copyJson.click();
    const deadline = Date.now() + 5_000;
    for (;;) {
      const text = await this.page.evaluate(() => navigator.clipboard.readText());
      if (text !== '') return JSON.parse(text) as FlowDocument;
      if (Date.now() > deadline) throw new Error('"Copy JSON" put nothing on the clipboard');
      await this.page.waitForTimeout(50);
    }
  }

  /** Saves with the toolbar button and waits until the unsaved-changes marker is gone. */
  async save(): Promise<void> {
    await this.toolbar.save.click();
    await this.toolbar.dirtyMarker.waitFor({ state: 'hidden' });
  }

  /**
   * Presses Tab (or Shift+Tab) until the focused element is, or is inside, `target`; never
   * clicks. Fails after `maxPresses`.
   */
  async tabTo(target: Locator, options: { backwards?: boolean; maxPresses?: number } = {}): Promise<void> {
    const key = options.backwards ? 'Shift+Tab' : 'Tab';
    for (let i = 0; i < (options.maxPresses ?? 80); i++) {
      // evaluateAll, not evaluate: it does not wait for the target to exist.
      if (await target.evaluateAll((els) => els.some((el) => el === document.activeElement || el.contains(document.activeElement)))) return;
      await this.page.keyboard.press(key);
    }
    throw new Error(`Tab never reached ${target.toString()}`);
  }

  /**
   * Picks `value` in a focused-by-keyboard `<select>` with the arrow keys (as a person would
   * without a mouse); fails if the value is not among its options.
   */
  async chooseWithKeyboard(select: Locator, value: string): Promise<void> {
    await this.tabTo(select);
    const options = await select.evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => o.value));
    const target = options.indexOf(value);
    if (target < 0) throw new Error(`${select.toString()} has no option ${value} (has ${options.join(', ')})`);
    for (let i = 0; i <= options.length; i++) {
      const current = options.indexOf(await select.inputValue());
      if (current === target) return;
      await this.page.keyboard.press(current < target ? 'ArrowDown' : 'ArrowUp');
    }
    throw new Error(`the arrow keys never reached ${value} in ${select.toString()}`);
  }

  /** The `data-testid` of the focused element (or its nearest ancestor that has one). */
  async focusedTestId(): Promise<string | null> {
    return this.page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);
  }
}
