/** Reading and writing the JSON files the CLI is given, with errors that name the file. */
import { readFile, writeFile } from 'node:fs/promises';
import { CliError } from './api-client';

/** Parses a JSON file; a missing file or bad JSON is a {@link CliError} naming it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** A flow document read from a file: a JSON object with a string `id` (the server checks the rest). */
export async function readFlowFile(file: string): Promise<{ id: string; doc: Record<string, unknown> }> {
  const doc = await readJsonFile(file);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CliError(`${file}: expected one flow document (a JSON object)${Array.isArray(doc) ? '; for several flows use one file each, or `tributary import`' : ''}`);
  }
  const id = (doc as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') throw new CliError(`${file}: the flow document has no "id"`);
  return { id, doc: doc as Record<string, unknown> };
}

/** Writes JSON the way people keep flows in git: two-space indent, final newline. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    throw new CliError(`${file}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
