/**
 * Running the `tributary` CLI as a real child process (`node --import tsx server/cli/main.ts`),
 * with a clean environment: a developer's TRIBUTARY_SERVER or TRIBUTARY_TOKEN must not leak in.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `entry` (default the CLI's main.ts) with `args`; async, since the server under test lives in this process. */
export function runTributary(args: readonly string[], env: Record<string, string> = {}, entry: readonly string[] = ['--import', 'tsx', 'server/cli/main.ts']): Promise<CliResult> {
  const { TRIBUTARY_SERVER: _server, TRIBUTARY_TOKEN: _token, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temp directory per test for flow files, removed after. */
export function useTempDir(): { readonly path: string } {
  const dir = { path: '' };
  beforeEach(() => {
    dir.path = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
  });
  afterEach(() => rmSync(dir.path, { recursive: true, force: true }));
  return dir;
}
