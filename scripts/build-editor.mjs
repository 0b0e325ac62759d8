#!/usr/bin/env node
// Builds the browser editor (editor/ → editor/dist, served by the server at `/`).
//
//   node scripts/build-editor.mjs             always build
//   node scripts/build-editor.mjs --if-stale  build only when editor/dist is missing or older than
//                                             anything it is built from (what `npm start` runs)
//
// The bundle is made of editor/ and the shared pure modules it imports from flows/ and nodes/,
// so a change in any of them makes the build stale. Tests and node_modules don't count.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const EDITOR = join(ROOT, 'editor');
const BUILT = join(EDITOR, 'dist', 'index.html');
const CONFIG = join(EDITOR, 'vite.config.ts');
const SOURCES = [join(EDITOR, 'src'), join(EDITOR, 'index.html'), CONFIG, join(ROOT, 'flows'), join(ROOT, 'nodes')];

/** @param {string} path @returns {number} the newest modification time under `path` */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith('.test.ts') ? 0 : stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...SOURCES.map(newest))) process.exit(0);

console.log(`[editor] ${existsSync(BUILT) ? 'sources changed; rebuilding' : 'building'} the editor into editor/dist…`);
const started = Date.now();
try {
  const { build } = await import('vite');
  await build({ configFile: CONFIG, mode: 'production', logLevel: 'warn' });
  console.log(`[editor] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`[editor] the build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
