import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of this run's copy of the built editor, which e2e servers serve at `/`. */
    editorDir: string;
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'editor', 'dist');

/**
 * Once per run, before any e2e test: builds the editor when `editor/dist` is missing or older than
 * anything it is built from — with the same script (and so the same staleness rule and Vite
 * build) as `npm start` — and hands the tests a copy of the build. Also clears the last run's
 * failure screenshots.
 */
export default function setup(project: TestProject): () => void {
  rmSync(join(ROOT, 'e2e', 'artifacts', 'failures'), { recursive: true, force: true });
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-editor.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (build.error) throw new Error(`could not run scripts/build-editor.mjs: ${build.error.message}`);
  if (build.status !== 0) throw new Error(`building the editor failed (exit code ${build.status ?? build.signal}); see its output above`);
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`no editor build in ${DIST} after scripts/build-editor.mjs`);
  // The servers serve a copy: a rebuild of editor/dist during the run (the build empties it
  // first) must not turn a page load into a 404.
  const copy = mkdtempSync(join(tmpdir(), 'tributary-e2e-editor-'));
  cpSync(DIST, copy, { recursive: true });
  project.provide('editorDir', copy);
  return () => rmSync(copy, { recursive: true, force: true });
}
