import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTributary, useTempDir } from '../../test/cli';
import { eventually } from '../../test/engine';
import { useServers } from '../../test/server';

const doc = (id: string, expression = '$') => ({
  format: 'tributary.flow/v1',
  id,
  name: `Flow ${id}`,
  nodes: [
    { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    { id: 'm', type: 'map', position: { x: 200, y: 0 }, config: { expression } },
  ],
  edges: [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'm', port: 'in' } }],
});

// Each CLI call is a fresh node + tsx process (~0.5 s, more on a loaded machine).
describe('when the CLI talks to a real server', { timeout: 60_000 }, () => {
  const t = useServers();
  const tmp = useTempDir();
  const file = (name: string, content: unknown) => {
    const path = join(tmp.path, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  };

  it('deploys a file, does nothing for the same file again, deploys a change, and rolls back', async () => {
    const { url, engine, api } = await t.startServer();
    const cli = (...args: string[]) => runTributary(['--server', url, ...args]);
    const path = file('ci.json', doc('ci', '$.a'));

    const first = await cli('deploy', path);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('flow "ci": created revision 1, deployed');
    expect((await engine.deployed()).get('ci')).toBe(1);

    const again = await cli('deploy', path);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('unchanged, revision 1 already deployed');
    expect((await api('GET', '/api/flows/ci')).body.revision).toBe(1);
    expect((await engine.deployed()).get('ci')).toBe(1);

    writeFileSync(path, JSON.stringify(doc('ci', '$.b')));
    const changed = await cli('deploy', path);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('saved revision 2, deployed');
    expect((await engine.deployed()).get('ci')).toBe(2);

    const rollback = await cli('rollback', 'ci', '1');
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('deployed revision 1');
    expect((await engine.deployed()).get('ci')).toBe(1);
    expect((await engine.currentPlan('ci'))?.nodes.m?.config.expression).toBe('$.a');
    expect((await cli('rollback', 'ci', '1')).stdout).toContain('already deployed');

    // The pipeline runs again with the file at revision 2: nothing to save, but revision 2 goes back out.
    const reassert = await cli('deploy', path);
    expect(reassert.code).toBe(0);
    expect(reassert.stdout).toContain('unchanged at revision 2, deployed');
    expect((await engine.deployed()).get('ci')).toBe(2);
  });

  it('fails with the problems listed by pointer, and still deploys the other files', async () => {
    const { url, engine } = await t.startServer();
    const good = file('good.json', doc('good'));
    const broken = file('broken.json', doc('broken', '$.a +'));
    const notAFlow = file('junk.json', { id: 'junk', hello: 'world' });
    const notJson = file('torn.json', '{"format": ');

    const result = await runTributary(['--server', url, 'deploy', good, broken, notAFlow, notJson]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('flow "good": created revision 1, deployed');
    expect(result.stderr).toContain(`${broken}: saved as revision 1 of flow "broken", but not deployed`);
    expect(result.stderr).toMatch(/Unprocessable flow \(422\)/);
    expect(result.stderr).toMatch(/^ {2}\/nodes\/1\/config\/expression: .+/m);
    expect(result.stderr).toMatch(/^ {2}\/format: format must be "tributary\.flow\/v1"$/m);
    expect(result.stderr).toMatch(/^ {2}\/nodes: nodes must be an array$/m);
    expect(result.stderr).toContain(`${notJson}: not valid JSON`);
    expect(result.stderr).toContain('error: 3 of 4 flow file(s) not deployed');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect([...(await engine.deployed()).keys()]).toEqual(['good']);
  });

  it('exports a flow to a file equal to it, and imports it again as a copy', async () => {
    const { url, api } = await t.startServer();
    const cli = (...args: string[]) => runTributary(['--server', url, ...args]);
    await api('POST', '/api/flows', doc('orig', '$.x'));

    const out = join(tmp.path, 'orig.export.json');
    const exported = await cli('export', 'orig', '-o', out);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`written to ${out}`);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written).toEqual((await api('GET', '/api/flows/orig')).body.doc);
    expect(written).toEqual(doc('orig', '$.x'));
    expect(JSON.parse((await cli('export', 'orig')).stdout)).toEqual(written);

    const clash = await cli('import', out);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/Conflict \(409\): flows already exist: orig/);

    const copied = await cli('import', out, '--copy');
    expect(copied.code).toBe(0);
    expect(copied.stdout).toContain('imported flow "orig-copy" (revision 1), a copy of "orig"');
    expect({ ...(await api('GET', '/api/flows/orig-copy/export')).body, id: 'orig' }).toEqual(written);
  });

  it('says unauthorized and exits non-zero with a wrong token; works with the right one from TRIBUTARY_TOKEN', async () => {
    const { url } = await t.startServer({ token: 'the-right-token' });
    const wrong = await runTributary(['--server', url, '--token', 'a-wrong-token', 'flows']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Unauthorized \(401\)/);
    expect(wrong.stderr).toContain('--token or TRIBUTARY_TOKEN');
    expect((await runTributary(['--server', url, 'flows'])).code).toBe(1);
    const right = await runTributary(['flows'], { TRIBUTARY_SERVER: url, TRIBUTARY_TOKEN: 'the-right-token' });
    expect(right.stderr).toBe('');
    expect(right.code).toBe(0);
    expect(right.stdout).toBe('no flows saved\n');
  });

  it('prints JSON that parses with --json, and the bin launcher runs the same CLI', async () => {
    const { url } = await t.startServer();
    const path = file('j.json', doc('j'));
    const deployed = await runTributary(['--server', url, '--json', 'deploy', path]);
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout)).toEqual([{ file: path, ok: true, flowId: 'j', revision: 1, saved: 'created', deployed: true }]);

    const listed = await runTributary(['flows', '--server', url, '--json'], {}, ['bin/tributary.mjs']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: 'j', name: 'Flow j', revision: 1, deployedRevision: 1 }]);
    const table = await runTributary(['--server', url, 'flows']);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+REVISION\s+DEPLOYED\s+SAVED\nj\s+Flow j\s+1\s+1\s+\d{4}-/);
  });

  it('lists the runs of a flow the server ran', async () => {
    const { url, api } = await t.startServer();
    await api('POST', '/api/flows', doc('r'));
    await api('POST', '/api/flows/r/deploy');
    const { runId } = (await api('POST', '/api/flows/r/trigger', { node: 'in', payload: { n: 1 } })).body;
    await eventually(async () => (await api('GET', `/api/runs/${runId}`)).body?.summary?.status === 'completed', 'the run to complete');

    const listed = await runTributary(['--server', url, '--json', 'runs', 'r', '--limit', '5']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ items: [{ runId, status: 'completed', revision: 1 }], total: 1, offset: 0, limit: 5 });
    const readable = await runTributary(['--server', url, 'runs', 'r']);
    expect(readable.stdout).toMatch(new RegExp(`^${runId.replace(/\./g, '\\.')}\\s+completed\\s+1\\s`, 'm'));
    expect((await runTributary(['--server', url, 'dead-letters', 'r'])).stdout).toBe('no dead letters in flow "r"\n');
    const unknown = await runTributary(['--server', url, 'runs', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Not found (404): no flow "nope"');
  });

  it('says the server is unreachable rather than failing obscurely', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runTributary(['--server', `http://127.0.0.1:${port}`, 'flows']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: cannot reach the Tributary server at http://127.0.0.1:${port} (ECONNREFUSED); is it running? Set it with --server or TRIBUTARY_SERVER\n`);
  });
});

/**
 * Runs, dead letters and replay against a stand-in that speaks the documented contract
 * (`{ items, total, offset, limit }`, `{ items, total }`, replay body `{ payload? }`): this checks
 * the requests the CLI makes and what it prints, independently of the engine behind them.
 */
describe('when the CLI lists runs and dead letters and replays one', { timeout: 60_000 }, () => {
  const requests: Array<{ method: string; url: string; body: string; auth?: string }> = [];
  let stub: Server | undefined;
  afterEach(async () => {
    requests.splice(0);
    await new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve()));
    stub = undefined;
  });

  const startStub = async (answer: (req: IncomingMessage) => { status: number; body: unknown }) => {
    stub = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, body, ...(req.headers.authorization && { auth: req.headers.authorization }) });
        const { status, body: out } = answer(req);
        res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => stub!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  };
  const tmp = useTempDir();

  it('pages runs with --limit and prints them as a table', async () => {
    const run = { runId: 'r-1', flowId: 'f', status: 'completed', revision: 3, startedAt: Date.UTC(2025, 0, 2, 3, 4, 5), durationMs: 1500, completed: 4, failed: 0, deadLettered: 1, pending: 0, skipped: 0, dropped: 0 };
    const url = await startStub(() => ({ status: 200, body: { items: [run], total: 7, offset: 0, limit: 1 } }));
    const result = await runTributary(['--server', url, '--token', 'tk', 'runs', 'f', '--limit', '1']);
    expect(result.code).toBe(0);
    expect(requests).toEqual([{ method: 'GET', url: '/api/flows/f/runs?offset=0&limit=1', body: '', auth: 'Bearer tk' }]);
    expect(result.stdout).toMatch(/^RUN\s+STATUS\s+REV\s+STARTED\s+DURATION\s+OK\s+FAILED\s+DEAD\s+PENDING\n/);
    expect(result.stdout).toMatch(/r-1\s+completed\s+3\s+2025-01-02 03:04:05Z\s+1\.5 s\s+4\s+0\s+1\s+0\n1 of 7 runs\n$/);
    const json = await runTributary(['--server', url, 'runs', 'f', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ items: [run], total: 7, offset: 0, limit: 1 });
    expect((await runTributary(['--server', url, 'runs', 'f', '--limit', 'many'])).stderr).toContain("option '--limit <n>' argument 'many' is invalid");
  });

  it('lists dead letters and replays one with an edited payload from a file', async () => {
    const letter = { id: 'dl-9', flowId: 'f', nodeId: 'm', nodeType: 'map', attempts: 3, failedAt: Date.UTC(2025, 0, 2), replays: 0, error: { message: 'boom\nsecond line' } };
    const url = await startStub((req) =>
      req.method === 'GET' ? { status: 200, body: { items: [letter], total: 1 } } : { status: 202, body: { id: 'dl-9', jobId: 'j', runId: 'run-42', revision: 3 } },
    );
    const listed = await runTributary(['--server', url, 'dead-letters', 'f']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/dl-9\s+m \(map\)\s+2025-01-02 00:00:00Z\s+3\s+0\s+boom\n1 of 1 dead letters\n$/);

    const payload = join(tmp.path, 'payload.json');
    writeFileSync(payload, JSON.stringify({ fixed: true }));
    const replayed = await runTributary(['--server', url, 'replay', 'f', 'dl-9', '--payload', payload]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe('replayed dead letter dl-9 of flow "f" in run run-42 (revision 3)\n');
    expect(requests.at(-1)).toEqual({ method: 'POST', url: '/api/flows/f/dead-letters/dl-9/replay', body: JSON.stringify({ payload: { fixed: true } }) });
    await runTributary(['--server', url, 'replay', 'f', 'dl-9']);
    expect(requests.at(-1)?.body).toBe('{}');
  });

  it('reports a 404 problem document with its detail', async () => {
    const url = await startStub(() => ({ status: 404, body: { type: 'about:blank', title: 'Not found', status: 404, detail: 'no dead letter "x" in flow "f"' } }));
    const result = await runTributary(['--server', url, 'replay', 'f', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: POST /api/flows/f/dead-letters/x/replay: Not found (404): no dead letter "x" in flow "f"\n');
  });
});
