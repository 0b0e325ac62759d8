/**
 * `npm run bench [-- --quick] [scenario ids…]`: runs every scenario in bench/scenarios/ (or the
 * ones named), prints one table and, in a full run, writes bench/results/<date>.json.
 *
 * Budget: a full run stays under 15 minutes (each measured window ~20 s, medians of 3); `--quick`
 * proves every scenario still runs, in under 2 minutes, judging nothing and writing nothing in
 * the repo tree. Elapsed time is printed against the budget; it is never a failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarios } from './lib/scenarios';
import { formatTable, type ScenarioResult } from './lib/table';

const HERE = dirname(fileURLToPath(import.meta.url));
const BUDGET_MS = { full: 15 * 60_000, quick: 2 * 60_000 };

function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    model: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const all = await loadScenarios();
  const unknown = wanted.filter((id) => !all.some((s) => s.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}\n`);
    return 2;
  }
  const chosen = wanted.length > 0 ? all.filter((s) => wanted.includes(s.id)) : all;
  const budget = quick ? BUDGET_MS.quick : BUDGET_MS.full;
  const before = machine();
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  process.stderr.write(`bench${quick ? ' --quick' : ''}: ${chosen.map((s) => s.id).join(', ')} (budget ${budget / 60_000} min; load average ${before.loadAverage.join(' ')})\n`);

  const t0 = Date.now();
  const results: ScenarioResult[] = [];
  for (const scenario of chosen) {
    process.stderr.write(`\n▶ ${scenario.id}: ${scenario.title}\n`);
    const started = Date.now();
    try {
      const figures = await scenario.run({ quick, log });
      results.push({ id: scenario.id, title: scenario.title, seconds: (Date.now() - started) / 1000, figures });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`  ✗ ${message}\n`);
      results.push({ id: scenario.id, title: scenario.title, seconds: (Date.now() - started) / 1000, figures: [], error: message });
    }
    process.stderr.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  const wallMs = Date.now() - t0;
  const after = machine();

  process.stdout.write(`\n${formatTable(results)}\n\n`);
  const over = wallMs > budget ? ` — OVER the ${budget / 60_000} min budget` : ` (budget ${budget / 60_000} min)`;
  process.stdout.write(`wall time ${(wallMs / 1000).toFixed(0)} s${over}; load average before ${before.loadAverage.join(' ')}, after ${after.loadAverage.join(' ')}\n`);
  if (quick) {
    process.stdout.write('--quick: figures are not judged and nothing was written.\n');
  } else {
    const stamp = new Date(t0).toISOString().slice(0, 16).replace(':', '-');
    const file = join(HERE, 'results', `${stamp}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ startedAt: new Date(t0).toISOString(), wallSec: wallMs / 1000, machine: { ...before, loadAverageAfter: after.loadAverage }, scenarios: results }, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
  }
  return results.some((r) => r.error) ? 1 : 0;
}

// Ctrl-C or a kill: exit through process.exit so the private redis-servers' exit hooks stop them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
