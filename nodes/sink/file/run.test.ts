import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { deployNode, runNode } from '../../testing/harness';
import { runtime } from './run';

let base: string; // holds the data dir and, beside it, an "outside" folder a symlink may point to
let dataDir: string;
let outside: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tributary-file-sink-'));
  dataDir = join(base, 'data');
  outside = join(base, 'outside');
  await mkdir(outside, { recursive: true });
});
afterEach(() => rm(base, { recursive: true, force: true }));

const lines = async (path: string) => (await readFile(join(dataDir, 'files', path), 'utf8')).split('\n');
const failure = (pending: Promise<unknown>) => pending.then(() => Promise.reject(new Error('expected a failure')), (e: unknown) => e);

describe('when messages arrive', () => {
  it('does append one well-formed JSON line per message, creating folders', async () => {
    const node = await deployNode(runtime, { config: { path: 'orders/2025/out.jsonl', value: '{ "id": id, "note": note }' }, dataDir });
    try {
      await node.run({ payload: { id: 1, note: 'line\nbreak and "quotes"' } });
      await node.run({ payload: { id: 2, note: 'x' } });
      await node.run({ payload: { other: true } });
    } finally {
      node.close();
    }
    const written = await lines('orders/2025/out.jsonl');
    expect(written.pop()).toBe(''); // the file ends with a newline
    expect(written.map((line) => JSON.parse(line))).toEqual([{ id: 1, note: 'line\nbreak and "quotes"' }, { id: 2, note: 'x' }, {}]);
  });

  it('does write null when the value yields nothing, and emit nothing', async () => {
    const { emissions } = await runNode(runtime, { config: { path: 'out.jsonl', value: 'missing' }, dataDir, payload: {} });
    expect(emissions).toEqual([]);
    expect(await lines('out.jsonl')).toEqual(['null', '']);
  });

  it('does wrap the value with the message and run ids when envelope is on', async () => {
    await runNode(runtime, { config: { path: 'out.jsonl', envelope: true }, dataDir, payload: { a: 1 }, messageId: 'm-7' });
    expect(JSON.parse((await lines('out.jsonl'))[0]!)).toEqual({ id: 'm-7', runId: 'm-7', value: { a: 1 } });
  });

  it('does never interleave lines written concurrently', async () => {
    const node = await deployNode(runtime, { config: { path: 'busy.jsonl' }, dataDir });
    const big = 'y'.repeat(64 * 1024);
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => node.run({ payload: { i, big } })));
    } finally {
      node.close();
    }
    const written = (await lines('busy.jsonl')).slice(0, -1).map((line) => JSON.parse(line) as { i: number; big: string });
    expect(written.map((w) => w.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(written.every((w) => w.big === big)).toBe(true);
  });
});

describe('when the path would leave the files folder', () => {
  it.each(['../escape.jsonl', 'a/../../escape.jsonl', '/tmp/escape.jsonl', '..'])('does refuse %j from a config that skipped validation', async (path) => {
    const error = await failure(runNode(runtime, { config: { path }, dataDir, payload: { a: 1 } }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'PATH_ESCAPES' });
    expect(existsSync(resolve(dataDir, 'files', path))).toBe(false);
  });

  it('does refuse a folder symlink planted in the data dir, creating nothing outside', async () => {
    await mkdir(join(dataDir, 'files'), { recursive: true });
    await symlink(outside, join(dataDir, 'files', 'link'));
    for (const path of ['link/out.jsonl', 'link/deeper/out.jsonl']) {
      const error = await failure(runNode(runtime, { config: { path }, dataDir, payload: { a: 1 } }));
      expect(error).toMatchObject({ code: 'PATH_ESCAPES' });
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('does refuse a file symlink planted in the data dir, leaving its target alone', async () => {
    const target = join(outside, 'victim.txt');
    await writeFile(target, 'untouched');
    await mkdir(join(dataDir, 'files'), { recursive: true });
    await symlink(target, join(dataDir, 'files', 'out.jsonl'));
    const error = await failure(runNode(runtime, { config: { path: 'out.jsonl' }, dataDir, payload: { a: 1 } }));
    expect(error).toMatchObject({ code: 'PATH_ESCAPES' });
    expect(await readFile(target, 'utf8')).toBe('untouched');
  });

  it('does accept a symlink that stays inside the files folder', async () => {
    await mkdir(join(dataDir, 'files', 'real'), { recursive: true });
    await symlink(join(dataDir, 'files', 'real'), join(dataDir, 'files', 'alias'));
    await runNode(runtime, { config: { path: 'alias/out.jsonl' }, dataDir, payload: { a: 1 } });
    expect(await lines('real/out.jsonl')).toEqual(['{"a":1}', '']);
  });
});

describe('when the value cannot be written as JSON', () => {
  it('does fail permanently', async () => {
    const error = await failure(runNode(runtime, { config: { path: 'out.jsonl', value: 'function($x) { $x }' }, dataDir, payload: {} }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'NOT_JSON' });
  });
});
