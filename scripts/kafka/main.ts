/**
 * `npm run kafka`: a local single-node Kafka broker for development, in the foreground until
 * Ctrl-C. Its records and offsets live in `<TRIBUTARY_DATA>/kafka` (default `.tributary/kafka`)
 * and survive a restart. Listens on 127.0.0.1:9092 (`KAFKA_PORT`), or a free port when that is
 * taken; prints the `KAFKA_BROKERS` to start Tributary with.
 */
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { startKafkaBroker } from './broker';

const DEFAULT_PORT = 9092;

async function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}

async function main(): Promise<void> {
  const dir = join(resolve(process.env.TRIBUTARY_DATA ?? '.tributary'), 'kafka');
  const wanted = Number(process.env.KAFKA_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535) throw new Error(`KAFKA_PORT must be a port number, got ${process.env.KAFKA_PORT}`);
  const port = (await isFree(wanted)) ? wanted : undefined;
  if (port === undefined) console.log(`[kafka] 127.0.0.1:${wanted} is taken; using a free port`);
  console.log(`[kafka] starting a single-node broker, storage in ${dir} …`);
  const broker = await startKafkaBroker({ dir, ...(port !== undefined && { port }), defaultPartitions: 3 });
  console.log(`[kafka] ready. Start Tributary with:\n\n  KAFKA_BROKERS=${broker.brokers.join(',')} npm start\n\n[kafka] Ctrl-C stops the broker (log: ${join(dir, 'broker.log')})`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('[kafka] stopping…');
    void broker.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`[kafka] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
