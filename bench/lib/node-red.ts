/**
 * Node-RED 4 as a comparison for the webhook scenario: `http in → function → http response`
 * doing the same JSON transform. Installed from npm into a cache outside the repository on first
 * use (full runs only), started in its own process with its editor off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../engine/redis/free-port';
import { sleep } from './measure';

const VERSION = '4';
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tributary-bench', `node-red-${VERSION}`);
const RED_JS = join(CACHE, 'node_modules', 'node-red', 'red.js');

export interface NodeRed {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** Installs Node-RED into the cache if it isn't there; throws with npm's words when it can't. */
export async function installNodeRed(log: (line: string) => void): Promise<void> {
  if (existsSync(RED_JS)) return;
  mkdirSync(CACHE, { recursive: true });
  log(`installing node-red@${VERSION} into ${CACHE}`);
  await run('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--omit=dev', '--no-save', `node-red@${VERSION}`], 300_000);
  if (!existsSync(RED_JS)) throw new Error(`npm finished but ${RED_JS} is missing`);
}

/** The function node's body: the same transform as the flow's first map (MAP_1). */
const FUNCTION = "const p = msg.payload; msg.payload = { i: p.i, t: p.t, v: p.i * 2, name: 'm' + String(p.i) }; return msg;";

export async function startNodeRed(path: string, body: string): Promise<NodeRed> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-node-red-'));
  const port = await findFreePort();
  const flows = [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'in', type: 'http in', z: 'tab', url: path, method: 'post', wires: [['fn']] },
    { id: 'fn', type: 'function', z: 'tab', func: FUNCTION, outputs: 1, wires: [['res']] },
    { id: 'res', type: 'http response', z: 'tab', statusCode: '202', headers: {}, wires: [] },
  ];
  writeFileSync(join(dir, 'flows.json'), JSON.stringify(flows));
  writeFileSync(
    join(dir, 'settings.js'),
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', httpAdminRoot: false, credentialSecret: false, logging: { console: { level: 'warn' } } };\n`,
  );
  const child: ChildProcess = spawn(process.execPath, [RED_JS, '--userDir', dir, '--settings', join(dir, 'settings.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}${path}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 202) return { url, pid: child.pid ?? 0, close };
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`Node-RED did not answer 202 at ${url} (last status ${status}): ${stderr.slice(-500)}`);
    }
    await sleep(250);
  }
}

function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-500)}`))));
  });
}
