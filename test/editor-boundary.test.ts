/**
 * The editor bundle must never pull in server-only code. This bundles the editor app and the
 * shared modules it may import (API contracts, flow document, validation, node specs, trace event map) for the
 * browser, as Vite would, and fails on any Node built-in or server package that sneaks in —
 * directly or through a dependency of a dependency.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const EDITOR_FACING_MODULES = [
  // The shared contracts: the API's shapes, credentials, trace errors.
  'contracts/api/index.ts',
  'contracts/api/client.ts',
  'contracts/credentials.ts',
  'contracts/trace-error.ts',
  'flows/validate.ts',
  'flows/schema.ts',
  'flows/expression.ts',
  'flows/trace-events.ts',
  'flows/live-events.ts',
  'flows/preview.ts',
  'flows/policy.ts',
  'nodes/catalogue.ts',
  // The editor app itself, with everything it imports (React, React Flow, rjsf, elkjs…).
  'editor/src/main.tsx',
];

const SERVER_ONLY = /node_modules\/(bullmq|ioredis|kafkajs|express|socket\.io|pino|msgpackr|cron-parser)\//;

describe('when the editor-facing modules are bundled for the browser', () => {
  it('pulls in no Node built-in and no server-only package', async () => {
    const result = await build({
      entryPoints: EDITOR_FACING_MODULES,
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      outdir: 'dist/boundary-check',
      metafile: true,
      logLevel: 'silent',
      jsx: 'automatic',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => SERVER_ONLY.test(path))).toEqual([]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => path.startsWith('node:') || ['fs', 'path', 'net', 'dns', 'http', 'https', 'child_process'].includes(path))).toEqual([]);
    expect(inputs.some((path) => path.startsWith('nodes/') && path.includes('/spec.ts'))).toBe(true);
  });

  it('refuses to bundle a module that imports a Node built-in (the check can fail)', async () => {
    await expect(
      build({ stdin: { contents: "import 'node:fs';", resolveDir: '.' }, bundle: true, write: false, platform: 'browser', logLevel: 'silent' }),
    ).rejects.toThrow(/node:fs/);
  });
});
