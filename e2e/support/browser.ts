/**
 * Debian's Chromium, driven by playwright-core: one browser per test file, a fresh context (no
 * cookies, storage or session token carried over) and page per test. Never downloads a browser:
 * CHROMIUM_PATH, or /usr/bin/chromium (`npm test` installs it through scripts/setup.mjs).
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ARTIFACTS_DIR, slug } from './artifacts';

export const VIEWPORT = { width: 1280, height: 800 } as const;

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The Chromium executable, or an error that says how to get one. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `no Chromium at ${path}${process.env.CHROMIUM_PATH ? ' (from CHROMIUM_PATH)' : ''}: install Debian's \`chromium\` ` +
        '(`apt-get install -y chromium`; `npm test` does it through `node scripts/setup.mjs --for=test`) or set CHROMIUM_PATH to a Chromium executable',
    );
  }
  return path;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

export interface TestBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and console errors seen so far in this test, for failure reports. */
  readonly pageErrors: readonly string[];
}

/**
 * Call once at the top of a test file (or describe). A failed test leaves a screenshot in
 * `e2e/artifacts/failures/` and prints the page's errors.
 */
export function useBrowser(): TestBrowser {
  let browser: Browser | null = null;
  let current: { context: BrowserContext; page: Page; errors: string[] } | null = null;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    browser = null;
  });
  beforeEach(async () => {
    if (!browser) throw new Error('useBrowser(): Chromium is not running');
    const context = await browser.newContext({
      viewport: VIEWPORT,
      acceptDownloads: true,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    current = { context, page, errors };
  });
  afterEach(async ({ task }) => {
    const done = current;
    current = null;
    if (!done) return;
    if (task.result?.state === 'fail') {
      const dir = join(ARTIFACTS_DIR, 'failures');
      mkdirSync(dir, { recursive: true });
      await done.page.screenshot({ path: join(dir, `${slug(task.name)}.png`), fullPage: true }).catch(() => undefined);
      if (done.errors.length > 0) console.error(`[e2e] page errors in "${task.name}":\n  ${done.errors.join('\n  ')}`);
    }
    await done.context.close();
  });

  const state = () => {
    if (!current) throw new Error('useBrowser(): use the page inside a test or hook');
    return current;
  };
  return {
    get browser() {
      if (!browser) throw new Error('useBrowser(): Chromium is not running');
      return browser;
    },
    get context() {
      return state().context;
    },
    get page() {
      return state().page;
    },
    get pageErrors() {
      return state().errors;
    },
  };
}
