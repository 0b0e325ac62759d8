#!/usr/bin/env node
// Makes a fresh checkout runnable: `npm start` and `npm test` call this first (prestart/pretest).
//
// Plain Node ESM with no dependencies, because it runs before node_modules exists. It walks a
// list of requirements; each has a cheap local `check()` (no network) and, where we can, an
// `install()`. When everything is present it only stats a few files and returns.
// Apache Kafka's broker jars (for `npm run kafka` and the tests) come from Maven Central into a
// cache outside the repo (scripts/kafka-dist.mjs).
//
// `--for=test` (what `pretest` passes) adds what only the tests need: Chromium for the editor's
// end-to-end tests, and the Kafka broker. `npm start` never installs a browser; `--for=kafka`
// (what `npm run kafka` passes) prepares the broker only.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installKafkaDist, KAFKA_VERSION, kafkaDistState } from './kafka-dist.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const QUIET = process.env.TRIBUTARY_SETUP_QUIET === '1';
/** What this run prepares for: `start` (the default), `test` (`--for=test`) or `kafka` (`--for=kafka`). */
const PURPOSE = purposeFromArgs(process.argv.slice(2));

/** @param {string} line */
const say = (line) => {
  if (!QUIET) console.log(`[setup] ${line}`);
};

class SetupError extends Error {}

/**
 * @typedef {object} Requirement
 * @property {string} name          short label for the log lines
 * @property {() => string | null} check   null when satisfied, else why not (one short phrase)
 * @property {(why: string) => void} [install]  makes check() pass, or throws SetupError
 * @property {string} [hint]        what a person can do when we can't install it ourselves
 * @property {Array<'test' | 'kafka'>} [only]  needed only for these purposes (default: always)
 */

/** @type {Requirement[]} */
const REQUIREMENTS = [
  {
    name: 'node',
    check: () => (nodeAtLeast(20, 19) ? null : `Node ${process.versions.node} is too old`),
    hint: 'Install Node.js 20.19 or newer (20.x or 22.x); see "engines" in package.json.',
  },
  {
    name: 'npm dependencies',
    check: npmDependenciesState,
    install: installNpmDependencies,
  },
  {
    name: 'redis-server',
    check: () => (findOnPath('redis-server') ? null : 'redis-server is not on PATH'),
    install: () => aptInstall(['redis-server']),
    hint: 'Install Redis 6.2 or newer so that `redis-server` is on PATH, e.g. `sudo apt-get install -y redis-server`.',
  },
  {
    // The editor's end-to-end tests drive Debian's Chromium through playwright-core; Playwright's
    // own browser download is never used. CHROMIUM_PATH points elsewhere when set.
    name: 'chromium',
    only: ['test'],
    check: chromiumState,
    // A CHROMIUM_PATH that names nothing is a mistake to report, not a reason to install.
    install: process.env.CHROMIUM_PATH ? undefined : () => aptInstall(['chromium']),
    hint: process.env.CHROMIUM_PATH
      ? 'Point CHROMIUM_PATH at a Chromium executable, or unset it to use Debian\'s /usr/bin/chromium.'
      : 'Install Debian\'s Chromium (`sudo apt-get install -y chromium`), or set CHROMIUM_PATH to a Chromium executable.',
  },
  {
    // Tests run against a real single-node broker (test/kafka-global-setup.ts), never a mock.
    name: `kafka ${KAFKA_VERSION}`,
    only: ['test', 'kafka'],
    check: () => (findOnPath('java') ? kafkaDistState() : 'java is not on PATH'),
    install: (why) => {
      if (!findOnPath('java') || !findOnPath('mvn')) aptInstall(['openjdk-17-jre-headless', 'maven']);
      if (kafkaDistState() === null) return;
      say(`resolving org.apache.kafka:kafka_2.13:${KAFKA_VERSION} with Maven (${why})`);
      installKafkaDist(run);
    },
    hint: 'Kafka\'s broker needs Java 17+ and Maven (`apt-get install -y openjdk-17-jre-headless maven`) and access to Maven Central.',
  },
];

function main() {
  for (const req of REQUIREMENTS) {
    if (req.only !== undefined && !req.only.includes(PURPOSE)) continue;
    const missing = req.check();
    if (missing === null) continue;
    if (!req.install) throw new SetupError(`${req.name}: ${missing}. ${req.hint ?? ''}`.trim());
    say(`${req.name}: ${missing}; installing…`);
    req.install(missing);
    const still = req.check();
    if (still !== null) {
      throw new SetupError(`${req.name}: still not ready after installing (${still}). ${req.hint ?? ''}`.trim());
    }
    say(`${req.name}: ready`);
  }
  say('everything is in place');
}

// ---------------------------------------------------------------------------------------------
// npm

/** @returns {string | null} */
function npmDependenciesState() {
  const lock = join(ROOT, 'package-lock.json');
  // npm writes node_modules/.package-lock.json (the "hidden lockfile") after every install.
  const hidden = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(join(ROOT, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(hidden)) return 'node_modules was not installed by npm 7+';
  if (!existsSync(lock)) {
    return mtimeMs(join(ROOT, 'package.json')) > mtimeMs(hidden) ? 'package.json changed since the last install' : null;
  }
  if (mtimeMs(lock) <= mtimeMs(hidden)) return null;
  // The lockfile is newer. npm writes both files within milliseconds and in either order, so
  // confirm that the installed versions really differ before installing again.
  return installedMatchesLock(lock, hidden) ? null : 'package-lock.json is newer than node_modules';
}

/**
 * Every package in the lockfile is installed at the locked version; optional packages may be
 * absent (platform-specific binaries are skipped on other platforms).
 * @param {string} lockPath @param {string} hiddenPath
 */
function installedMatchesLock(lockPath, hiddenPath) {
  try {
    const locked = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
    const installed = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages ?? {};
    for (const [path, entry] of Object.entries(locked)) {
      if (path === '') continue;
      const have = installed[path];
      if (!have) {
        if (entry.optional || entry.devOptional) continue;
        return false;
      }
      if (have.version !== entry.version) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** @param {string} why */
function installNpmDependencies(why) {
  // `npm install` installs the locked versions too. Not `npm ci`: npm 11's ci refuses a lockfile
  // that lacks other platforms' optional binaries (msgpackr-extract's, through bullmq), which is
  // exactly the lockfile npm 11's own install writes.
  const args = ['install', '--no-audit', '--no-fund'];
  say(`running npm ${args[0]} (${why})`);
  run('npm', args, { cwd: ROOT }, `npm ${args[0]} failed; see the npm output above.`);
}

// ---------------------------------------------------------------------------------------------
// Debian packages

/** @param {string[]} packages */
function aptInstall(packages) {
  if (!findOnPath('apt-get')) {
    throw new SetupError(`${packages.join(', ')} is missing and this is not a Debian/Ubuntu system (no apt-get).`);
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new SetupError(
      `${packages.join(', ')} is missing and installing it needs root: run \`sudo apt-get install -y ${packages.join(' ')}\`.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // We never use the system service a package brings along (Tributary starts its own private
  // redis-server on a free port), and on this kind of machine port 6379 may already be taken
  // by someone else's Redis. A temporary policy-rc.d tells dpkg not to start services at all,
  // so the install neither collides with nor adds a daemon on the machine's port. An existing
  // policy-rc.d is left as it is.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# temporary, from tributary scripts/setup.mjs\nexit 101\n', { mode: 0o755 });
  try {
    say('apt-get update');
    run('apt-get', ['update', '-qq'], { env }, 'apt-get update failed; see its output above.');
    say(`apt-get install ${packages.join(' ')}`);
    run(
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', ...packages],
      { env },
      `apt-get install ${packages.join(' ')} failed; see its output above.`,
    );
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium

/** @returns {string | null} */
function chromiumState() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return isExecutableFile(path) ? null : `${path} is missing${process.env.CHROMIUM_PATH ? ' (CHROMIUM_PATH)' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// helpers

/** @param {string[]} args @returns {'start' | 'test' | 'kafka'} */
function purposeFromArgs(args) {
  let purpose = /** @type {'start' | 'test' | 'kafka'} */ ('start');
  for (const arg of args) {
    const match = /^--for=(start|test|kafka)$/.exec(arg);
    if (!match) {
      console.error(`[setup] unknown argument ${arg}; usage: node scripts/setup.mjs [--for=start|test|kafka]`);
      process.exit(2);
    }
    purpose = /** @type {'start' | 'test' | 'kafka'} */ (match[1]);
  }
  return purpose;
}

/** @param {string} path */
function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * @param {string} cmd @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} opts @param {string} failure
 */
function run(cmd, args, opts, failure) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (result.error) throw new SetupError(`${failure} (${result.error.message})`);
  if (result.status !== 0) throw new SetupError(`${failure} (exit code ${result.status ?? result.signal})`);
}

/** @param {string} name @returns {string | null} */
function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** @param {string} path */
function mtimeMs(path) {
  return statSync(path).mtimeMs;
}

/** @param {number} major @param {number} minor */
function nodeAtLeast(major, minor) {
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  return maj > major || (maj === major && min >= minor);
}

try {
  main();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[setup] FAILED: ${message}`);
  if (!(err instanceof SetupError) && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
}
