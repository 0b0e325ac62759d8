/**
 * `npm run bench:profile [-- --seconds 20]`: a CPU profile of the engine running the linear
 * flow (scenario 2's load), taken with `node --cpu-prof` on a process of its own, summarised by
 * component over the measured window only (start-up and drain left out).
 *
 * The parent starts the child under --cpu-prof, waits for it, and prints the summary and the
 * path of the .cpuprofile (kept in a temp directory, to open in Chrome DevTools).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSummary, summariseProfile, type CpuProfile } from './lib/cpuprofile';
import { startBenchEngine } from './lib/engine';
import { LINEAR_STEPS, linearFlow } from './lib/flows';
import { closedLoop, sizes } from './lib/load';
import { countClientCommands } from './lib/client-commands';
import { commandCalls, withBenchRedis } from './lib/redis';

const SELF = fileURLToPath(import.meta.url);
const micros = () => Number(process.hrtime.bigint() / 1000n);

async function child(seconds: number, windowFile: string): Promise<void> {
  await withBenchRedis(async (redis) => {
    const bench = await startBenchEngine(redis, 'bench');
    try {
      await bench.engine.deploy(linearFlow('linear'), 1);
      const size = { ...sizes(false), durationMs: seconds * 1000 };
      let window: [number, number] = [0, 0];
      const r = await closedLoop({
        redis,
        completions: bench.sink.completions,
        send: (i) => bench.engine.trigger('linear', 'in', { i, t: Date.now() }),
        ...size,
        onWindow: (edge) => (edge === 'start' ? (window[0] = micros()) : (window[1] = micros())),
      });
      writeFileSync(windowFile, JSON.stringify(window));
      process.stdout.write(`profiled window: ${r.perSec.toFixed(0)} messages/s (${(r.perSec * LINEAR_STEPS).toFixed(0)} node-steps/s), Node ${r.nodeCpu.toFixed(2)} / Redis ${r.redisCpu.toFixed(2)} cores, ${(r.commands / r.completed / LINEAR_STEPS).toFixed(1)} Redis commands per node step\n\n`);

      // A second, shorter window outside the profiled one: what each message costs in commands.
      const counting = countClientCommands();
      const server0 = await commandCalls(redis.admin);
      const c = await closedLoop({ redis, completions: bench.sink.completions, send: (i) => bench.engine.trigger('linear', 'in', { i, t: Date.now() }), ...size, warmupMs: 500, durationMs: 5_000 });
      const client = counting.stop();
      const server1 = await commandCalls(redis.admin);
      // The client counts cover the whole loop (warm-up and drain too): per message over what it sent.
      const sent = c.sent;
      const per = (n: number, total: number) => (n / total).toFixed(2).padStart(6);
      const serverDelta = [...server1].map(([name, n]): [string, number] => [name, n - (server0.get(name) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
      process.stdout.write(`per message (${LINEAR_STEPS} node steps), counted over ~${sent} messages:\n`);
      process.stdout.write(`  client: ${per(client.commands, sent)} commands in ${per(client.roundTrips, sent)} round trips; by command:\n`);
      for (const [name, n] of [...client.byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`    ${per(n, sent)}  ${name}\n`);
      process.stdout.write(`  server (INFO commandstats, script internals included): ${per(serverDelta.reduce((a, [, n]) => a + n, 0), sent)} commands per message; top:\n`);
      for (const [name, n] of serverDelta.slice(0, 15)) process.stdout.write(`    ${per(n, sent)}  ${name}\n`);
      process.stdout.write('\n');
    } finally {
      await bench.close();
    }
  });
}

async function parent(seconds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-profile-'));
  const windowFile = join(dir, 'window.json');
  const code = await new Promise<number | null>((resolve) => {
    const p = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', SELF, '--child', String(seconds), windowFile], { stdio: 'inherit' });
    p.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`profiled process exited with ${code}`);
  // One file per thread (tsx's loader has its own); thread 0 is the main thread, the engine's.
  const file = readdirSync(dir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const window = JSON.parse(readFileSync(windowFile, 'utf8')) as [number, number];
  process.stdout.write(`${formatSummary(summariseProfile(profile, window))}\n\nprofile: ${join(dir, file)}\n`);
}

const args = process.argv.slice(2);
const main = args[0] === '--child' ? child(Number(args[1]), args[2]!) : parent(Number(args[args.indexOf('--seconds') + 1] ?? 20) || 20);
main.then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
