/**
 * `npm run bench -- --quick` as `npm test` runs it: every scenario in bench/scenarios/ still runs
 * to its figures, and nothing lands in the repository. No figure or duration is judged.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from './lib/scenarios';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

const results = () => (existsSync(RESULTS) ? readdirSync(RESULTS).sort() : []);
const gitStatus = () => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --quick', () => {
  it('runs every scenario to at least one figure and writes nothing into the repository', async () => {
    const scenarios = await loadScenarios();
    expect(scenarios.length).toBeGreaterThan(0);
    const statusBefore = gitStatus();
    const resultsBefore = results();

    const { code, stdout, stderr } = await runQuick();

    expect(code, stderr.slice(-4000)).toBe(0);
    const rows = stdout.split('\n');
    for (const { id } of scenarios) {
      const own = rows.filter((row) => row.startsWith(`${id} `));
      expect(own.length, `figures of ${id}`).toBeGreaterThan(0);
      expect(own.join('\n')).not.toContain('FAILED');
    }
    expect(stdout).toContain('nothing was written');
    expect(results()).toEqual(resultsBefore);
    expect(gitStatus()).toBe(statusBefore);
  }, 115_000);
});
