/**
 * The served OpenAPI document is one that API tools accept: it passes a standard OpenAPI 3.1
 * validator, and a client generated from it by openapi-typescript type-checks — with the
 * contracts' own types assignable to what it generated, both ways.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServers } from '../test/server';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');

describe('when a tool reads GET /api/openapi.json', () => {
  const t = useServers();
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-openapi-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const served = async () => (await (await t.startServer()).api('GET', '/api/openapi.json')).body as Record<string, any>;

  it('passes a standard OpenAPI 3.1 validator', async () => {
    const result = await new Validator().validate(await served());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists each shared schema once under components, referenced by $ref', async () => {
    const doc = await served();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['FlowDocument', 'FlowView', 'DeadLetter', 'RunSummary', 'Credential', 'ProblemDocument']));
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$id"');
    expect(doc.paths['/api/flows/{id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/FlowView' });
  });

  it('refuses a document that embeds one $id twice (the check can fail)', async () => {
    const doc = await served();
    const flow = { $id: 'https://tributary.dev/schemas/flow-v1.json', type: 'object' };
    doc.components.schemas.A = { type: 'object', properties: { one: flow, two: { ...flow } } };
    expect((await new Validator().validate(doc)).valid).toBe(false);
  });

  it('yields a generated client that type-checks against the shared contracts', async () => {
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(await served()));
    // openapi-typescript needs TypeScript's JS API: scripts/typescript5.mjs hands it TypeScript 5.
    await run(process.execPath, ['--import', join(ROOT, 'scripts/typescript5.mjs'), join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'api.d.ts')], { cwd: ROOT });
    const contracts = join(ROOT, 'contracts/api/index');
    await writeFile(
      join(dir, 'use.ts'),
      `import type { components, paths } from './api';
import type { DeadLetter, FlowView, RunSummary } from '${contracts}';

type Schemas = components['schemas'];
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export const a = (v: FlowView): Schemas['FlowView'] => v;
export const b = (v: Schemas['FlowView']): FlowView => v;
export const c = (v: DeadLetter): Schemas['DeadLetter'] => v;
export const d = (v: Schemas['DeadLetter']): DeadLetter => v;
export const e = (v: Json<'/api/flows/{id}/runs', 'get'>): RunSummary[] => v.items;
export const kind: Schemas['TraceError']['kind'] = 'transient';
// @ts-expect-error error.kind is the engine's union, not any string
export const wrong: Schemas['TraceError']['kind'] = 'whatever';
`,
    );
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', types: [] };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.ts'] }));
    const result = await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: ROOT }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 60_000);
});
