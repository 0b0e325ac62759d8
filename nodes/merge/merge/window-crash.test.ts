/**
 * kill -9 of worker processes while messages stream into a `window` merge: every message must be
 * emitted in exactly one window — none lost with a dead process's window, none emitted twice by
 * the process that re-runs its jobs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useWorkerProcesses, type WorkerProcess } from '../../../test/processes';
import { TEST_BULLMQ_TIMINGS } from '../../../test/timings';
import { atRest, mergeFlow, written } from './fixtures';

const FLOW = 'windows';
const MESSAGES = 400;
const MAX = 7;
/** Both kills land within this span, so no job dies in two processes (see engine/crash.test.ts). */
const KILL_SPAN_MS = TEST_BULLMQ_TIMINGS.lockDuration - TEST_BULLMQ_TIMINGS.lockRenewTime - 500;

describe('when worker processes are killed with SIGKILL while messages stream into a window', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();

  it('does emit every message in exactly one window', async () => {
    const api = await t.start({ workers: false });
    const dirs = ['w1', 'w2', 'spare1', 'spare2'].map((name) => join(t.dataDir, name));
    dirs.forEach((dir) => mkdirSync(dir));
    const env = (dataDir: string) => ({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir, concurrency: 8 });
    const [live, spares] = await Promise.all([
      Promise.all(dirs.slice(0, 2).map((dir) => workers.spawn(env(dir)))),
      Promise.all(dirs.slice(2).map((dir) => workers.spawn({ ...env(dir), standby: true }))),
    ]);
    await api.deploy(mergeFlow(FLOW, { mode: 'window', inputs: ['a', 'b'], maxMessages: MAX, windowMs: 200 }), 1);
    const queue = api.queue(FLOW);

    // Stream the messages in small batches, so windows open and close all along: by count, and
    // by time during the longer pause after every fifth batch.
    const streaming = (async () => {
      for (let from = 0; from < MESSAGES; from += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, k) => from + k).map((i) => api.trigger(FLOW, i % 2 ? 'in-b' : 'in-a', i)));
        await sleep(from % 50 === 40 ? 300 : 15);
      }
    })();
    streaming.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

    // Once windows are being emitted, kill both processes in turn, each while merge jobs run,
    // and start a spare in place of each.
    await eventually(() => written(dirs, 'out.jsonl').length >= 3, 'the first windows', 30_000);
    const kills: Array<{ pid: number; activeMerges: number }> = [];
    const replacements: Array<Promise<void>> = [];
    const firstAt = Date.now();
    for (const victim of [...live] as WorkerProcess[]) {
      const activeMerges = await eventually(async () => (await queue.getActive()).filter((job) => job.name === 'merge').length, 'merge jobs running', 2_000).catch(() => 0);
      if (Date.now() - firstAt > KILL_SPAN_MS) break;
      await victim.kill('SIGKILL');
      kills.push({ pid: victim.pid, activeMerges });
      replacements.push(spares.shift()!.activate());
      await sleep(200);
    }
    await Promise.all(replacements);
    await streaming;

    // Jobs the victims held run again once their locks run out; then everything rests.
    await eventually(() => atRest(api, FLOW), 'the flow at rest', 60_000);
    const windows = written<Record<'a' | 'b', number[]>>(dirs, 'out.jsonl');
    const byTime = windows.filter((w) => (w.value.attrs.window as { reason: string }).reason === 'time').length;
    console.log(
      `[window-crash] ${kills.length} kills (merge jobs active at each: ${kills.map((k) => k.activeMerges).join(', ')}); ` +
        `${windows.length} windows, ${byTime} of them closed by time`,
    );
    expect(kills).toHaveLength(2);
    expect(contents(windows)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
    expect(windows.every((w) => (w.value.attrs.window as { count: number }).count <= MAX)).toBe(true);
    expect(await api.deadLetters.count(FLOW)).toBe(0);
  }, 120_000);
});

/** Every payload of every window, sorted: a message in two windows shows up twice. */
function contents(windows: Array<{ value: { payload: unknown } }>): number[] {
  return windows.flatMap((w) => Object.values(w.value.payload as Record<string, number[]>).flat()).sort((x, y) => x - y);
}
