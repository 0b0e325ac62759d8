/**
 * The dependency rules of .dependency-cruiser.cjs hold for the whole tree, and the check fails
 * when they are broken: it is fed a fixture that breaks each kind of rule.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs dependency-cruiser (handed TypeScript 5, see scripts/typescript5.mjs) with the project's rules. */
async function cruise(cwd: string, paths: string[], extra: string[] = []): Promise<Violation[]> {
  const args = ['--import', join(ROOT, 'scripts/typescript5.mjs'), join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')];
  args.push('--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json', ...extra, ...paths);
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const show = (violations: Violation[]) => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);

describe('when the dependency rules are checked', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('finds no cycle and no layer importing one above it in the project', async () => {
    const violations = await cruise(ROOT, ['contracts', 'flows', 'nodes', 'engine', 'server', 'editor/src', 'test', 'e2e', 'bench', 'scripts'], ['--ts-config', 'tsconfig.json']);
    expect(show(violations)).toEqual([]);
  }, 120_000);

  it('fails on a cycle, upward imports and the editor reaching a runtime, and exempts test files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-deps-'));
    dirs.push(dir);
    const files: Record<string, string> = {
      'flows/a.ts': "import { b } from './b';\nexport const a = () => b;",
      'flows/b.ts': "import { a } from './a';\nexport const b = () => a;",
      'engine/run.ts': "import { route } from '../server/route';\nexport const run = route;",
      'server/route.ts': 'export const route = 1;',
      'editor/view.ts': "import { runtime } from '../nodes/sink/log/run';\nimport { spec } from '../nodes/sink/log/spec';\nexport const view = [runtime, spec];",
      'nodes/sink/log/run.ts': 'export const runtime = 1;',
      'nodes/sink/log/spec.ts': 'export const spec = 1;',
      'contracts/shape.ts': "import { a } from '../flows/a';\nexport const shape = a;",
      'server/route.test.ts': "import { run } from '../engine/run';\nexport const t = run;",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const violations = await cruise(dir, ['flows', 'engine', 'server', 'editor', 'nodes', 'contracts']);
    expect(show(violations).sort()).toEqual(
      [
        'contracts-at-the-bottom: contracts/shape.ts → flows/a.ts',
        'editor-imports-shared-code-only: editor/view.ts → nodes/sink/log/run.ts',
        'engine-below-server: engine/run.ts → server/route.ts',
        'nothing-imports-the-server: engine/run.ts → server/route.ts',
        'no-cycles: flows/a.ts → flows/b.ts',
      ].sort(),
    );
  }, 120_000);
});
