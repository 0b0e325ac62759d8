/**
 * file — appends `JSON.stringify(value)` plus `\n` to `<ctx.dataDir>/files/<path>` with one
 * `appendFile` (one O_APPEND write), so concurrent writers never interleave inside a line. A
 * `value` of nothing is written as `null`, like map's result: one line per message, always.
 *
 * Containment, checked on every message because the folders can change under a deployed flow:
 * the path must stay inside `files/` lexically; the deepest folder that already exists must
 * resolve (realpath) inside it before any folder is created, and the target's folder must
 * again after; the file itself is opened with O_NOFOLLOW, so a planted symlink is refused.
 */
import { constants } from 'node:fs';
import { appendFile, mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PermanentError, TransientError } from '../../errors';
import type { NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import type { FileConfig } from './spec';

/** Filesystem errors worth retrying: the disk or the process may have room again later. */
const TRANSIENT_CODES = new Set(['ENOSPC', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EDQUOT']);

const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export const runtime: NodeRuntime<FileConfig> = {
  type: 'file',
  prepare(ctx) {
    compileField(ctx, 'value', ctx.config.value);
  },
  async run(ctx, message) {
    const value = (await evaluateField(ctx, message, 'value', ctx.config.value)) ?? null;
    const line = serialise(ctx.config.envelope ? { id: message.id, runId: message.runId, value } : value);
    try {
      const target = await containedTarget(join(ctx.dataDir, 'files'), ctx.config.path);
      await appendFile(target, `${line}\n`, { flag: APPEND_FLAGS, mode: 0o640 });
    } catch (error) {
      throw classify(error, ctx.config.path);
    }
    return [];
  },
};

function serialise(value: unknown): string {
  let line: string | undefined;
  try {
    line = JSON.stringify(value);
  } catch (cause) {
    throw new PermanentError(`value: JSON can't hold it (${String(cause)})`, { code: 'NOT_JSON', cause });
  }
  if (line === undefined) throw new PermanentError('value: JSON can\'t hold it (a function?)', { code: 'NOT_JSON' });
  return line;
}

/** The absolute file path for `path` under `root`, its folders created; throws when it would leave `root`. */
async function containedTarget(root: string, path: string): Promise<string> {
  const target = resolve(root, path);
  if (!isInside(resolve(root), target) || target === resolve(root)) throw escapes(path);
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  const folder = dirname(target);
  if (!isInside(realRoot, await realpathOfDeepestExisting(folder))) throw escapes(path);
  await mkdir(folder, { recursive: true });
  if (!isInside(realRoot, await realpath(folder))) throw escapes(path);
  return target;
}

async function realpathOfDeepestExisting(path: string): Promise<string> {
  for (let at = path; ; at = dirname(at)) {
    try {
      return await realpath(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error;
    }
  }
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

const escapes = (path: string) =>
  new PermanentError(`path: ${JSON.stringify(path)} would leave the files folder of the data directory`, { code: 'PATH_ESCAPES' });

function classify(error: unknown, path: string): unknown {
  if (error instanceof PermanentError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return error;
  const why = `path: ${JSON.stringify(path)}: ${(error as Error).message}`;
  // O_NOFOLLOW refuses a symlink as the file itself with ELOOP.
  if (code === 'ELOOP') return escapes(path);
  return TRANSIENT_CODES.has(code) ? new TransientError(why, { cause: error }) : new PermanentError(why, { code, cause: error });
}
