/** Screenshots of the main screens, kept under e2e/artifacts/ (git-ignored) for a person to look at. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** A file-name-safe form of a test or screen name. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'screen';
}

/** Saves a viewport screenshot as `e2e/artifacts/<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${slug(name)}.png`);
  await page.screenshot({ path });
  return path;
}
