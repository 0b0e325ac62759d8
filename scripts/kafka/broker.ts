/**
 * A single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on free loopback
 * ports, for `npm run kafka` and the tests. The jars come from scripts/kafka-dist.mjs (setup.mjs
 * resolves them first).
 *
 * Settings a single node needs: replication factor 1 and min ISR 1 for the internal topics, or
 * consumer groups never find their coordinator and transactions never start;
 * `group.initial.rebalance.delay.ms=0` so a group's first join doesn't wait 3 s; few partitions for
 * `__consumer_offsets` so that the first group doesn't wait for fifty of them to be created.
 *
 * Optionally a second listener, `SASL` (SASL_PLAINTEXT with PLAIN), accepts one user — the
 * tests' proof that kafka nodes authenticate with a stored credential.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import { findFreePort } from '../../engine/redis/free-port';
import { KAFKA_VERSION, kafkaDistState, kafkaLibs } from '../kafka-dist.mjs';

export interface KafkaBrokerOptions {
  /** Storage (KRaft log dirs), `server.properties` and `broker.log`; created if missing. */
  dir: string;
  /** Adds a SASL_PLAINTEXT listener accepting this one PLAIN user. */
  saslPlain?: { username: string; password: string };
  /** The JVM's heap cap. Default 512 MiB. */
  heapMb?: number;
  /** How long to wait until the broker answers metadata requests. Default 90 s (a loaded 2-core box). */
  startTimeoutMs?: number;
  /** Port of the PLAINTEXT listener. Default: a free one. */
  port?: number;
  /** Partitions of a topic created on first use (`npm run kafka`). Default 1. */
  defaultPartitions?: number;
}

export interface KafkaBroker {
  /** `127.0.0.1:PORT` of the PLAINTEXT listener. */
  readonly brokers: string[];
  /** `127.0.0.1:PORT` of the SASL listener, when asked for. */
  readonly saslBrokers: string[];
  readonly pid: number;
  readonly running: boolean;
  /** SIGTERM (a controlled shutdown), SIGKILL after 20 s; resolves once the JVM exited. */
  stop(): Promise<void>;
  /** A crash: SIGKILL (or `signal`), resolves once the JVM is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the broker again on the same ports and storage (after `stop` or `kill`). */
  start(): Promise<void>;
}

const CLUSTER_ID_FILE = 'cluster.id';
const STOP_GRACE_MS = 20_000;

export async function startKafkaBroker(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const missing = kafkaDistState();
  if (missing !== null) throw new Error(`${missing}: run \`node scripts/setup.mjs --for=kafka\` first (npm test and npm run kafka do)`);
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const ports = { plain: options.port ?? (await findFreePort()), controller: await findFreePort(), sasl: options.saslPlain ? await findFreePort() : 0 };
  const broker = new Broker(dir, ports, options);
  await broker.start();
  return broker;
}

interface Ports {
  plain: number;
  controller: number;
  sasl: number;
}

class Broker implements KafkaBroker {
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #running = false;

  constructor(
    private readonly dir: string,
    private readonly ports: Ports,
    private readonly options: KafkaBrokerOptions,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.ports.plain}`];
  }
  get saslBrokers(): string[] {
    return this.ports.sasl ? [`127.0.0.1:${this.ports.sasl}`] : [];
  }
  get pid(): number {
    return this.#child?.pid ?? 0;
  }
  get running(): boolean {
    return this.#running;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    const config = join(this.dir, 'server.properties');
    writeFileSync(config, serverProperties(this.dir, this.ports, this.options), { mode: 0o600 });
    this.#format(config);
    const log = openSync(join(this.dir, 'broker.log'), 'a');
    const heap = this.options.heapMb ?? 512;
    const child = spawn(
      'java',
      [
        `-Xmx${heap}m`,
        '-Xms64m',
        // Two cores shared with everything else: a serial collector and the C1 compiler start
        // fastest and keep the JVM from spreading over both cores.
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        `${kafkaLibs()}/*`,
        'kafka.Kafka',
        config,
      ],
      { cwd: this.dir, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    this.#child = child;
    this.#running = true;
    this.#exited = new Promise((done) =>
      child.once('exit', () => {
        this.#running = false;
        done();
      }),
    );
    watchdog(child.pid ?? 0);
    try {
      await this.#waitReady(this.options.startTimeoutMs ?? 90_000);
    } catch (err) {
      await this.kill();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || !this.#running) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([this.#exited.then(() => true), new Promise<false>((done) => (timer = setTimeout(() => done(false), STOP_GRACE_MS)))]);
    clearTimeout(timer);
    if (!stopped) await this.kill();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || !this.#running) return;
    child.kill(signal);
    await this.#exited;
  }

  /** Formats the storage once; a restart keeps it (and with it every record and offset). */
  #format(config: string): void {
    const idFile = join(this.dir, CLUSTER_ID_FILE);
    if (existsSync(idFile)) return;
    const id = java(['kafka.tools.StorageTool', 'random-uuid']).trim().split('\n').pop() ?? '';
    java(['kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', id, '-c', config]);
    writeFileSync(idFile, `${id}\n`);
  }

  async #waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const kafka = new kafkajs.Kafka({ brokers: this.brokers, clientId: 'tributary-broker-probe', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.#running) throw new Error(`the Kafka broker exited while starting; see ${join(this.dir, 'broker.log')}`);
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.controller !== null && cluster.brokers.length > 0) return;
      } catch (err) {
        lastError = err;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await sleep(250);
    }
    throw new Error(`the Kafka broker did not answer within ${timeoutMs} ms (${String(lastError)}); see ${join(this.dir, 'broker.log')}`);
  }
}

function serverProperties(dir: string, ports: Ports, options: KafkaBrokerOptions): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${ports.plain}`, `CONTROLLER://127.0.0.1:${ports.controller}`];
  const advertised = [`PLAINTEXT://127.0.0.1:${ports.plain}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  const lines = [
    `# Written by tributary scripts/kafka/broker.ts for Kafka ${KAFKA_VERSION}; rewritten on every start.`,
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    `num.partitions=${options.defaultPartitions ?? 1}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    // A consumer killed without leaving is noticed within this (kafkajs's sessionTimeout may be
    // shorter; the broker's minimum must allow it).
    'group.min.session.timeout.ms=1000',
    'log.retention.hours=24',
    'log.segment.bytes=16777216',
  ];
  const user = options.saslPlain;
  if (user) {
    if (!/^[\w.-]+$/.test(user.username) || !/^[\w.-]+$/.test(user.password)) throw new Error('SASL test user: word characters only');
    listeners.push(`SASL://127.0.0.1:${ports.sasl}`);
    advertised.push(`SASL://127.0.0.1:${ports.sasl}`);
    protocols.push('SASL:SASL_PLAINTEXT');
    lines.push(
      'sasl.enabled.mechanisms=PLAIN',
      'listener.name.sasl.sasl.enabled.mechanisms=PLAIN',
      `listener.name.sasl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${user.username}="${user.password}";`,
    );
  }
  lines.push(`listeners=${listeners.join(',')}`, `advertised.listeners=${advertised.join(',')}`, `listener.security.protocol.map=${protocols.join(',')}`);
  return `${lines.join('\n')}\n`;
}

function java(args: string[]): string {
  const result = spawnSync('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-cp', `${kafkaLibs()}/*`, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`java ${args.slice(0, 2).join(' ')} failed: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/**
 * A broker must never outlive the process that started it (a test run killed with SIGKILL, a
 * closed terminal): a small detached shell kills it once this process is gone.
 */
function watchdog(brokerPid: number): void {
  if (!brokerPid) return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${brokerPid} 2>/dev/null; do sleep 1; done; kill -9 ${brokerPid} 2>/dev/null`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}
