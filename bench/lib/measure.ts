/**
 * What a measured window cost: wall time, CPU of this Node process and of Redis (in cores: 1.0
 * is one core busy the whole window), and the Redis commands executed in it.
 */
import { readFileSync } from 'node:fs';
import type { BenchRedis } from './redis';

export interface Usage {
  seconds: number;
  /** CPU of this Node process over the window, in cores. */
  nodeCpu: number;
  /** CPU of redis-server over the window (INFO cpu), in cores. */
  redisCpu: number;
  /** Redis commands executed in the window (INFO commandstats, scripts' inner commands included). */
  commands: number;
}

/** Starts a window; the returned function ends it and gives what it cost. */
export async function startWindow(redis: BenchRedis): Promise<() => Promise<Usage>> {
  const before = await redis.sample();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  return async () => {
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    const after = await redis.sample();
    return {
      seconds,
      nodeCpu: (used.user + used.system) / 1e6 / seconds,
      redisCpu: (after.cpuSec - before.cpuSec) / seconds,
      // Less the three INFO calls of the sample itself.
      commands: after.calls - before.calls - 3,
    };
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function processCpuSec(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK); /proc counts in it. */
const CLOCK_TICKS = 100;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
