// Where Apache Kafka's broker comes from: `org.apache.kafka:kafka_2.13` and its runtime
// dependencies, resolved by Maven from Maven Central into a cache directory outside the repo
// (`$XDG_CACHE_HOME/tributary/kafka-<version>/libs`, default `~/.cache/…`), so that a second run,
// another worktree or a fresh clone reuses it. Plain Node ESM without dependencies: setup.mjs
// imports it before node_modules exists; the broker launcher (scripts/kafka/broker.ts) imports it
// for the paths.
//
// 3.9 is the line to run: KRaft, and still every protocol version kafkajs speaks (4.0 removed the
// old ones, KIP-896; see the README).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const KAFKA_VERSION = '3.9.2';
/** The broker logs through SLF4J 1.7; slf4j-simple prints its warnings on stderr. */
const SLF4J_VERSION = '1.7.36';
/** Written last: a directory without it is an interrupted download. */
const MARKER = '.complete';

/** `<cache>/tributary/kafka-<version>`; `TRIBUTARY_KAFKA_HOME` overrides it. */
export function kafkaHome() {
  if (process.env.TRIBUTARY_KAFKA_HOME) return process.env.TRIBUTARY_KAFKA_HOME;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'tributary', `kafka-${KAFKA_VERSION}`);
}

/** The directory of jars to put on the broker's class path (`<home>/libs/*`). */
export const kafkaLibs = () => join(kafkaHome(), 'libs');

/** null when the jars are in place, else why not (one short phrase). No network. */
export function kafkaDistState() {
  const libs = kafkaLibs();
  if (!existsSync(join(libs, MARKER))) return `Kafka ${KAFKA_VERSION} is not in ${libs}`;
  if (!readdirSync(libs).some((f) => f === `kafka_2.13-${KAFKA_VERSION}.jar`)) return `${libs} lacks kafka_2.13-${KAFKA_VERSION}.jar`;
  return null;
}

const pom = () => `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tributary scripts/kafka-dist.mjs: only to resolve the broker's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tributary</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>${SLF4J_VERSION}</version></dependency>
  </dependencies>
</project>
`;

/**
 * Resolves the jars with `mvn dependency:copy-dependencies` into a fresh directory and renames it
 * into place, so an interrupted run never leaves a half-filled `libs/` that looks complete.
 * @param {(cmd: string, args: string[], opts: import('node:child_process').SpawnSyncOptions, failure: string) => void} [run]
 */
export function installKafkaDist(run = defaultRun) {
  const home = kafkaHome();
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'pom.xml'), pom());
  const staging = join(home, `libs.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  run(
    'mvn',
    ['-q', '-B', '-f', join(home, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { stdio: 'inherit' },
    `mvn could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (Maven and Java 17 are needed; see its output above)`,
  );
  writeFileSync(join(staging, MARKER), `${new Date().toISOString()}\n`);
  rmSync(kafkaLibs(), { recursive: true, force: true });
  renameSync(staging, kafkaLibs());
}

/** @type {(cmd: string, args: string[], opts: import('node:child_process').SpawnSyncOptions, failure: string) => void} */
function defaultRun(cmd, args, opts, failure) {
  const result = spawnSync(cmd, args, opts);
  if (result.error || result.status !== 0) throw new Error(`${failure} (${result.error?.message ?? `exit code ${result.status ?? result.signal}`})`);
}
