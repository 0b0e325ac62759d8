/**
 * A worker process for crash and scale-out tests: an Engine with workers on the test's Redis and
 * key prefix, with the test BullMQ timings. Configured by environment (REDIS_URL,
 * TRIBUTARY_PREFIX, TRIBUTARY_DATA, TRIBUTARY_SECRET, WORKER_CONCURRENCY, WORKER_STANDBY,
 * TRIBUTARY_MISFIRE_MS); prints `ready` once it follows the deployments, and exits on SIGTERM
 * after its running jobs.
 */
import { pino } from 'pino';
import { Engine } from '../engine/engine';
import { nodeCatalogue } from '../nodes/catalogue';
import { RUNTIMES } from '../nodes/runtimes';
import { TEST_BULLMQ_TIMINGS } from './timings';

const env = process.env;
if (env.WORKER_STANDBY === '1') {
  // A warm spare for crash tests: everything is loaded (seconds on a busy machine), nothing is
  // connected yet; SIGUSR2 starts it. The interval only keeps the process alive until then.
  // The handler is in place before `standby` is said: a parent that activates at once must not
  // find SIGUSR2's default action (exit) still there.
  const activated = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
  const alive = setInterval(() => undefined, 60_000);
  process.stdout.write('standby\n');
  await activated;
  clearInterval(alive);
}
const engine = await Engine.start({
  redisUrl: env.REDIS_URL!,
  prefix: env.TRIBUTARY_PREFIX!,
  catalogue: nodeCatalogue,
  runtimes: RUNTIMES,
  secret: env.TRIBUTARY_SECRET!,
  dataDir: env.TRIBUTARY_DATA!,
  concurrency: Number(env.WORKER_CONCURRENCY ?? 8),
  timings: TEST_BULLMQ_TIMINGS,
  ...(env.TRIBUTARY_MISFIRE_MS && { misfireMs: Number(env.TRIBUTARY_MISFIRE_MS) }),
  logger: pino({ level: env.TEST_LOG_LEVEL ?? 'silent' }),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void engine.close().then(() => process.exit(0));
});
